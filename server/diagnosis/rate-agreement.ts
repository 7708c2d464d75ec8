/**
 * Rates across an edge must agree within a window: what the sender emitted is what the receiver
 * took in, plus what accumulated between them (queue growth, events in flight to the receiver,
 * drops). When they differ by more than the counters can resolve, a RATES_DIFFER finding says
 * where the difference went — a pipeline still filling its buffers reads higher upstream than it
 * sustains — or that it is not accounted for.
 */
import type { ComponentWindow, EdgeWindow, Finding, MetricWindow } from "./diagnosis-types";

const r = (x: number) => (Math.abs(x) >= 100 ? `${Math.round(x)}` : x.toFixed(1));

/** Events one count of the component's counters can move by: its events per handler call (a batch, a write). */
function step(c: ComponentWindow | undefined): number {
  if (!c || !c.calls || c.calls <= 0) return 1;
  const rate = c.role === "sink" ? (c.outRate ?? c.inRate) : (c.inRate ?? c.outRate);
  return rate && rate > 0 ? Math.max(1, rate / c.calls) : 1;
}

/** Growth of the edge queue over the window, events/s (0 without depth samples). */
function queueGrowth(e: EdgeWindow): number {
  const s = e.depthSamples;
  if (!s || s.length < 2) return 0;
  const secs = (s[s.length - 1]![0] - s[0]![0]) / 1000;
  return secs > 0 ? (s[s.length - 1]![1] - s[0]![1]) / secs : 0;
}

/**
 * Differences between what each edge's sender emitted and what its receiver took in that exceed
 * the counters' resolution (5 %, 1 event/s, or two counter steps over the window), explained.
 */
export function rateAgreementFindings(w: MetricWindow): Finding[] {
  const secs = Math.max(1, (w.to - w.from) / 1000);
  const byId = new Map(w.components.map((c) => [c.id, c]));
  const out: Finding[] = [];
  for (const e of w.edges) {
    const sender = byId.get(e.from);
    const receiver = byId.get(e.to);
    // A fan-in receiver's intake is the sum of its inputs: compare it only with a single input.
    if (!sender || !receiver || w.edges.filter((x) => x.to === e.to).length !== 1) continue;
    const sent = sender.outRate;
    const taken = receiver.inRate;
    if (sent === null || taken === null) continue;
    const diff = sent - taken;
    const resolution = Math.max(0.05 * Math.max(sent, taken), 1, (2 * Math.max(step(sender), step(receiver))) / secs);
    if (Math.abs(diff) <= resolution) continue;
    const growth = queueGrowth(e);
    const dropped = (e.dropped ?? 0) / secs;
    const inFlight = e.rate !== null ? e.rate - taken : null;
    const parts: string[] = [];
    if (inFlight !== null && Math.abs(inFlight) > resolution / 2) {
      parts.push(inFlight > 0 ? `${r(inFlight)}/s went in flight to ${e.to} (sent by the engine, not yet taken in: its unacknowledged batches)` : `${r(-inFlight)}/s left the in-flight window to ${e.to}`);
    }
    if (Math.abs(growth) > resolution / 2) parts.push(growth > 0 ? `the queue ${e.from} → ${e.to} grew ${r(growth)}/s` : `the queue ${e.from} → ${e.to} shrank ${r(-growth)}/s`);
    if (dropped > 0) parts.push(`${r(dropped)}/s were dropped (drop_oldest)`);
    const accounted = (inFlight ?? 0) + growth + dropped;
    const rest = diff - accounted;
    const restNote = Math.abs(rest) > resolution ? `; ${r(Math.abs(rest))}/s are not accounted for by the engine's counters (${rest > 0 ? `held inside ${e.from} before sending, or ` : ""}counters sampled at different moments)` : "";
    const filling = diff > 0 && accounted > resolution && Math.abs(rest) <= resolution;
    const conclusion = filling ? `: buffers between them were still filling, so upstream rates are above what the pipeline sustains (${e.to}'s ${r(taken)}/s); a later window will agree` : "";
    out.push({
      severity: "info",
      code: "RATES_DIFFER",
      component: e.to,
      message: `rates across ${e.from} → ${e.to} differ in the window: ${e.from} emitted ${r(sent)}/s, ${e.to} took in ${r(taken)}/s${parts.length ? ` — ${parts.join(", ")}` : ""}${conclusion}${restNote}`,
    });
  }
  return out;
}
