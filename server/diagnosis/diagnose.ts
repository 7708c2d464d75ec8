/** `diagnose(window) → DiagnosisReport`: per-component table, root cause and findings. */
import { computeLoads, type ComponentLoad } from "./component-load";
import { describeRootCause } from "./describe-root-cause";
import { findRootCause, pct } from "./detect-bottleneck";
import type { Bottleneck, ComponentReport, DiagnosisOptions, DiagnosisReport, EdgeWindow, Finding, MetricWindow } from "./diagnosis-types";
import { fitLine } from "./linear-fit";
import { rateAgreementFindings } from "./rate-agreement";
import { gcAdvice } from "./recommendations";

const DEFAULTS: Required<DiagnosisOptions> = {
  backpressureThreshold: 0.5,
  busyThreshold: 0.5,
  idleThreshold: 0.3,
  fullQueueFill: 0.8,
  minFitR2: 0.8,
  gcThreshold: 0.1,
};

const round = (x: number | null, digits = 3): number | null => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));

/** Diagnoses one metric window. Pure: same window, same report. */
export function diagnose(w: MetricWindow, opts: DiagnosisOptions = {}): DiagnosisReport {
  const t = { ...DEFAULTS, ...opts };
  const loads = computeLoads(w.components, w.edges, t.fullQueueFill, w.host);
  const root = findRootCause(w.components, w.edges, loads, t, w.host);
  const findings: Finding[] = [];
  const bottleneck = root ? describeRootCause(root, w, loads, t) : null;
  if (bottleneck && root) {
    findings.push({
      severity: "critical",
      code: root.kind === "component" ? "BOTTLENECK_COMPONENT" : root.kind === "host" ? "BOTTLENECK_HOST" : "BOTTLENECK_EDGE",
      ...(bottleneck.component ? { component: bottleneck.component } : {}),
      message: bottleneck.reason,
    });
  }
  findings.push(...componentFindings(w, loads, t, bottleneck), ...edgeFindings(w, t), ...rateAgreementFindings(w));
  if (!bottleneck) {
    const noData = w.components.every((c) => c.inRate === null && c.outRate === null && c.busy === null) && w.edges.every((e) => e.rate === null);
    findings.push(
      noData
        ? { severity: "warning", code: "NO_METRICS", message: "no metrics in the window: components expose no /metrics and the engine reported no edge traffic" }
        : { severity: "info", code: "KEEPS_UP", message: "the pipeline keeps up with its sources: nothing is back-pressured and no queue is filling" },
    );
  }
  const order = { critical: 0, warning: 1, info: 2 } as const;
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  return {
    pipeline: w.pipeline,
    window: { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() },
    bottleneck,
    components: w.components.map((c): ComponentReport => {
      const l = loads.get(c.id)!;
      return {
        id: c.id,
        role: c.role,
        inRate: round(c.inRate),
        outRate: round(c.outRate),
        p50Ms: round(c.p50Ms),
        p95Ms: round(c.p95Ms),
        p99Ms: round(c.p99Ms),
        busy: round(l.busy),
        backpressured: round(c.backpressured === null && !w.edges.some((e) => e.from === c.id && e.blocked !== null) ? null : l.backpressured),
        queueDepth: round(l.queueDepth),
        queueCapacity: round(l.queueCapacity),
        errors: round(c.errors),
        cpuCores: round(c.cpu ?? null),
        bound: l.bound,
      };
    }),
    findings,
  };
}

function componentFindings(w: MetricWindow, loads: ReadonlyMap<string, ComponentLoad>, t: Required<DiagnosisOptions>, b: Bottleneck | null): Finding[] {
  const out: Finding[] = [];
  for (const c of w.components) {
    const l = loads.get(c.id)!;
    if (c.up === false) out.push({ severity: "critical", code: "COMPONENT_DOWN", component: c.id, message: `${c.id} is down or unhealthy` });
    else if (c.metricsAvailability != null && c.metricsAvailability < 0.5) {
      out.push({
        severity: "warning",
        code: "METRICS_UNAVAILABLE",
        component: c.id,
        message:
          c.metricsAvailability === 0
            ? `${c.id}'s /metrics did not answer in the window (a component without the SDK, or an event loop blocked by CPU work); its load is inferred from edge metrics`
            : `${c.id}'s /metrics answered ${pct(c.metricsAvailability)} of scrapes in the window (a handler blocking the event loop?); its load is inferred from edge metrics`,
      });
    }
    if (c.gc != null && c.gc > t.gcThreshold) {
      out.push({ severity: "warning", code: "GC_PRESSURE", component: c.id, message: `${c.id} spends ${pct(c.gc)} of its time in garbage-collection pauses: ${gcAdvice(c.id)}` });
    }
    if (l.backpressured > t.backpressureThreshold && c.id !== b?.component) {
      const cause = !b ? "" : b.kind === "host" ? " (the host's cores are the limit)" : ` by ${b.component ?? `${b.edge?.from} → ${b.edge?.to}`}`;
      out.push({ severity: "warning", code: "BACKPRESSURED", component: c.id, message: `${c.id} is back-pressured ${pct(l.backpressured)} of the time${cause}` });
    }
    const processed = c.role === "sink" ? (c.outRate ?? c.inRate) : (c.inRate ?? c.outRate);
    const windowSec = (w.to - w.from) / 1000;
    if (c.errors !== null && c.errors > 0) {
      const share = processed && processed > 0 ? c.errors / (processed * windowSec) : 1;
      out.push({
        severity: share > 0.1 ? "critical" : "warning",
        code: "ERRORS",
        component: c.id,
        message: `${c.id} failed ${Math.round(c.errors)} events in the window (${pct(Math.min(1, share))} of processed)`,
      });
    }
    if (c.deadLettered != null && c.deadLettered > 0) {
      out.push({
        severity: "critical",
        code: "DEAD_LETTERS",
        component: c.id,
        message: `${c.id} gave up on ${Math.round(c.deadLettered)} events in the window after its write retries: they are in its dead-letter file (see its log), not in the target`,
      });
    } else if (c.writeRetries != null && c.writeRetries > 0) {
      out.push({ severity: "warning", code: "WRITE_RETRIES", component: c.id, message: `${c.id} retried ${Math.round(c.writeRetries)} failed writes in the window: its target is failing or slow to accept writes` });
    }
  }
  return out;
}

function edgeFindings(w: MetricWindow, t: Required<DiagnosisOptions>): Finding[] {
  const out: Finding[] = [];
  for (const e of w.edges) {
    const name = `${e.from} → ${e.to}`;
    if (e.dropped !== null && e.dropped > 0) {
      out.push({ severity: "warning", code: "EVENTS_DROPPED", component: e.to, message: `${Math.round(e.dropped)} events dropped on ${name} (drop_oldest queue full)` });
    }
    if ((e.avgFill ?? 0) >= t.fullQueueFill) {
      out.push({ severity: "warning", code: "QUEUE_FULL", component: e.to, message: `queue ${name} is ${pct(e.avgFill ?? 0)} full on average (${e.queueDepth ?? "?"}/${e.queueCapacity ?? "?"})` });
      continue;
    }
    const growth = queueGrowth(e, t.minFitR2);
    if (growth) out.push({ severity: "warning", code: "QUEUE_FILLING", component: e.to, message: growth });
  }
  return out;
}

/** "queue grows N/s, full in ~Xs" when a linear fit of depth over the window is good. */
export function queueGrowth(e: EdgeWindow, minR2: number): string | undefined {
  if (!e.depthSamples || !e.queueCapacity || e.queueDepth === null) return undefined;
  const fit = fitLine(e.depthSamples);
  if (!fit || fit.slopePerSec <= 0 || fit.r2 < minR2) return undefined;
  const remaining = e.queueCapacity - e.queueDepth;
  if (remaining <= 0) return undefined;
  const seconds = remaining / fit.slopePerSec;
  return `queue ${e.from} → ${e.to} grows ${fit.slopePerSec.toFixed(1)} events/s (R² ${fit.r2.toFixed(2)}): full in ~${Math.round(seconds)} s (${e.queueDepth}/${e.queueCapacity})`;
}
