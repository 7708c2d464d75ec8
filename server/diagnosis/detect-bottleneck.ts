/**
 * Root-cause walk. From every back-pressured component (Oceanus: back-pressure > 50 %) follow the
 * edges it is blocked on downstream to the first component that is saturated (busy > 50 %) and not
 * itself back-pressured; Flink's rule (the busiest task downstream of back-pressured ones) breaks
 * ties, so on a fan-out the slowest sink wins over its idle siblings. When no stage is saturated
 * but the host's cores are (≥ 90 % busy), the host is the limit. A full edge whose sender is
 * blocked while the receiver idles is a transport bottleneck. No back-pressure and no full queue
 * means the pipeline keeps up with its sources: no bottleneck, however busy a source is.
 */
import type { ComponentLoad } from "./component-load";
import type { ComponentWindow, DiagnosisOptions, EdgeWindow, HostWindow } from "./diagnosis-types";
import { isHostSaturated } from "./host";
import { fitLine } from "./linear-fit";

export type RootCause =
  | { kind: "component"; component: ComponentWindow; load: ComponentLoad; from: string[] }
  | { kind: "edge"; edge: EdgeWindow; from: string[]; undelivered?: { emitted: number } }
  | { kind: "host"; from: string[] };

/**
 * Edges whose sender emits (≥ 1 event/s by its own count) while the edge delivers under 1 % of it
 * and its queue is not filling: events are lost between the two (transport failure), which no
 * back-pressure reading would reveal.
 */
export function findUndeliveredEdges(components: readonly ComponentWindow[], edges: readonly EdgeWindow[], t: Thresholds): Array<{ edge: EdgeWindow; emitted: number }> {
  const out: Array<{ edge: EdgeWindow; emitted: number }> = [];
  for (const e of edges) {
    const sender = components.find((c) => c.id === e.from);
    const emitted = sender?.outRate ?? null;
    if (emitted === null || emitted < 1 || e.rate === null) continue;
    // Events the receiving sink's type filter declines were never meant to cross: not lost.
    const accounted = e.rate + (e.filteredRate ?? 0);
    if (accounted <= emitted * 0.01 && (e.avgFill ?? 0) < t.fullQueueFill && !isQueueGrowing(e, t.minFitR2)) out.push({ edge: e, emitted });
  }
  return out;
}

type Thresholds = Required<DiagnosisOptions>;

const pct = (x: number) => `${Math.round(x * 100)} %`;
export { pct };

/**
 * A queue that grows steadily (good linear fit, ≥ 5 % of capacity over the samples) means its
 * receiver is falling behind before anything blocks yet.
 */
export function isQueueGrowing(e: EdgeWindow, minR2: number): boolean {
  if (!e.depthSamples || e.depthSamples.length < 3 || !e.queueCapacity) return false;
  const fit = fitLine(e.depthSamples);
  if (!fit || fit.slopePerSec <= 0 || fit.r2 < minR2) return false;
  const spanSec = (e.depthSamples[e.depthSamples.length - 1]![0] - e.depthSamples[0]![0]) / 1000;
  return fit.slopePerSec * spanSec >= 0.05 * e.queueCapacity;
}

function isPressured(e: EdgeWindow, t: Thresholds): boolean {
  return (e.blocked ?? 0) > 0.05 || (e.avgFill ?? 0) >= t.fullQueueFill || isQueueGrowing(e, t.minFitR2);
}

/** Finds the root cause, or undefined when the pipeline keeps up. */
export function findRootCause(
  components: readonly ComponentWindow[],
  edges: readonly EdgeWindow[],
  loads: ReadonlyMap<string, ComponentLoad>,
  t: Thresholds,
  host?: HostWindow,
): RootCause | undefined {
  const undelivered = findUndeliveredEdges(components, edges, t).sort((a, b) => b.emitted - a.emitted)[0];
  if (undelivered) return { kind: "edge", edge: undelivered.edge, from: [undelivered.edge.from], undelivered: { emitted: undelivered.emitted } };
  const byId = new Map(components.map((c) => [c.id, c]));
  const starts = components.filter((c) => (loads.get(c.id)?.backpressured ?? 0) > t.backpressureThreshold).map((c) => c.id);
  // Senders of full queues count as back-pressured even without blocked-time data.
  for (const e of edges) {
    if (((e.avgFill ?? 0) >= t.fullQueueFill || isQueueGrowing(e, t.minFitR2)) && !starts.includes(e.from)) starts.push(e.from);
  }
  if (starts.length === 0) return undefined;

  const candidates = new Map<string, { id: string; from: Set<string> }>();
  const edgeCandidates = new Map<string, { edge: EdgeWindow; from: Set<string> }>();
  for (const start of starts) {
    const seen = new Set<string>([start]);
    const queue = [start];
    while (queue.length) {
      const id = queue.shift()!;
      const outs = edges.filter((e) => e.from === id);
      const pressured = outs.filter((e) => isPressured(e, t));
      // Without edge data we cannot tell which output blocks: follow all of them.
      const follow = pressured.length ? pressured : outs.every((e) => e.blocked === null && e.avgFill === null) ? outs : [];
      for (const e of follow) {
        const next = loads.get(e.to);
        if (!next || !byId.has(e.to)) continue;
        if (next.busy !== null && next.busy > t.busyThreshold && next.backpressured <= t.backpressureThreshold) {
          const c = candidates.get(e.to) ?? { id: e.to, from: new Set<string>() };
          c.from.add(start);
          candidates.set(e.to, c);
          continue;
        }
        // Keep walking through back-pressured components; on the path from a blocked sender a
        // partly back-pressured one (above the idle threshold, blocked on a pressured output)
        // is passing the pressure on too, not idling.
        const passesPressureOn =
          next.backpressured > t.backpressureThreshold ||
          (next.backpressured > t.idleThreshold && edges.some((o) => o.from === e.to && isPressured(o, t)));
        if (passesPressureOn) {
          if (!seen.has(e.to)) {
            seen.add(e.to);
            queue.push(e.to);
          }
          continue;
        }
        const senderBlocked = (e.blocked ?? 0) > t.backpressureThreshold || (e.avgFill ?? 0) >= t.fullQueueFill;
        const receiverIdle = (next.busy === null || next.busy < t.idleThreshold) && next.backpressured < t.idleThreshold;
        if (senderBlocked && receiverIdle) {
          const key = `${e.from}\u0000${e.to}`;
          const c = edgeCandidates.get(key) ?? { edge: e, from: new Set<string>() };
          c.from.add(start);
          edgeCandidates.set(key, c);
        }
      }
    }
  }

  if (candidates.size > 0) {
    // Flink: the busiest; then the fullest input queue; then the lowest throughput.
    const ranked = [...candidates.values()].sort((a, b) => {
      const la = loads.get(a.id)!;
      const lb = loads.get(b.id)!;
      return (lb.busy ?? 0) - (la.busy ?? 0) || (lb.inputFill ?? 0) - (la.inputFill ?? 0) || (byId.get(a.id)!.inRate ?? 0) - (byId.get(b.id)!.inRate ?? 0);
    });
    const best = ranked[0]!;
    return { kind: "component", component: byId.get(best.id)!, load: loads.get(best.id)!, from: [...best.from] };
  }
  // Pressure, no saturated stage, every core busy: the stages share too few cores (an idle-looking
  // receiver or a half-busy stage is waiting for a core, not the limit) — unless a working stage's
  // input queue is full (on average, or filling up to the end of the window): it falls behind what
  // reaches it, whatever a window straddling the start under-read.
  const fillsUp = (e: EdgeWindow) => (e.avgFill ?? 0) >= t.fullQueueFill || isQueueGrowing(e, t.minFitR2) || (e.queueCapacity !== null && (e.queueDepth ?? 0) >= e.queueCapacity);
  const fallingBehind = edges.some((e) => fillsUp(e) && (loads.get(e.to)?.busy ?? 0) >= t.idleThreshold);
  if (isHostSaturated(host) && !fallingBehind) return { kind: "host", from: starts };
  if (edgeCandidates.size > 0) {
    const best = [...edgeCandidates.values()].sort((a, b) => (b.edge.blocked ?? b.edge.avgFill ?? 0) - (a.edge.blocked ?? a.edge.avgFill ?? 0))[0]!;
    return { kind: "edge", edge: best.edge, from: [...best.from] };
  }
  // Back-pressure whose cause the walk could not reach (missing data): Flink's fallback, the
  // busiest component downstream of the back-pressured ones.
  const downstream = new Set<string>();
  const stack = [...starts];
  while (stack.length) {
    const id = stack.pop()!;
    for (const e of edges) {
      if (e.from !== id || downstream.has(e.to)) continue;
      downstream.add(e.to);
      stack.push(e.to);
    }
  }
  // A window that straddles a start-up under-reads every fraction alike: accept anything clearly
  // working (above the idle threshold) here, since queues already say something is saturated.
  const busiest = [...downstream]
    .map((id) => loads.get(id))
    .filter((l): l is ComponentLoad => !!l && l.busy !== null && l.busy >= t.idleThreshold && l.backpressured <= t.backpressureThreshold)
    .sort((a, b) => (b.busy ?? 0) - (a.busy ?? 0))[0];
  if (busiest) return { kind: "component", component: byId.get(busiest.id)!, load: busiest, from: starts };
  return undefined;
}
