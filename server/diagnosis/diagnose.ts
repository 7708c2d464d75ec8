/** `diagnose(window) → DiagnosisReport`: per-component table, root cause and findings. */
import { computeLoads, type ComponentLoad } from "./component-load";
import { findRootCause, pct, type RootCause } from "./detect-bottleneck";
import type { Bottleneck, ComponentReport, DiagnosisOptions, DiagnosisReport, EdgeWindow, Finding, MetricWindow } from "./diagnosis-types";
import { fitLine } from "./linear-fit";
import { componentRecommendations, edgeRecommendations, gcAdvice } from "./recommendations";

const DEFAULTS: Required<DiagnosisOptions> = {
  backpressureThreshold: 0.5,
  busyThreshold: 0.5,
  idleThreshold: 0.3,
  fullQueueFill: 0.8,
  minFitR2: 0.8,
  gcThreshold: 0.1,
};

const round = (x: number | null, digits = 3): number | null => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));
const rate = (x: number | null) => (x === null ? "n/a" : `${x >= 100 ? Math.round(x) : x.toFixed(1)} events/s`);
const ms = (x: number | null) => (x === null ? "n/a" : `${x.toFixed(1)} ms`);

/** Diagnoses one metric window. Pure: same window, same report. */
export function diagnose(w: MetricWindow, opts: DiagnosisOptions = {}): DiagnosisReport {
  const t = { ...DEFAULTS, ...opts };
  const loads = computeLoads(w.components, w.edges, t.fullQueueFill);
  const root = findRootCause(w.components, w.edges, loads, t);
  const findings: Finding[] = [];
  const bottleneck = root ? describeRootCause(root, w, loads, t) : null;
  if (bottleneck && root) {
    findings.push({
      severity: "critical",
      code: root.kind === "component" ? "BOTTLENECK_COMPONENT" : "BOTTLENECK_EDGE",
      ...(bottleneck.component ? { component: bottleneck.component } : {}),
      message: bottleneck.reason,
    });
  }
  findings.push(...componentFindings(w, loads, t, bottleneck), ...edgeFindings(w, t));
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
      };
    }),
    findings,
  };
}

function describeRootCause(root: RootCause, w: MetricWindow, loads: ReadonlyMap<string, ComponentLoad>, t: Required<DiagnosisOptions>): Bottleneck {
  const blockedNames = root.from.join(", ");
  if (root.kind === "component") {
    const c = root.component;
    const l = root.load;
    const waiting = root.from.filter((id) => (loads.get(id)?.backpressured ?? 0) > t.idleThreshold);
    const evidence = [
      `${c.id} busy ${pct(l.busy ?? 0)}${l.inferred ? " (inferred from its full input queue: no SDK time counters)" : ""}, back-pressured ${pct(l.backpressured)}`,
      waiting.length
        ? `upstream back-pressured: ${waiting.map((id) => `${id} ${pct(loads.get(id)?.backpressured ?? 0)}`).join(", ")}`
        : `input queue from ${blockedNames} keeps growing: ${c.id} takes fewer events than arrive`,
      `${c.id} rate in ${rate(c.inRate)}, out ${rate(c.outRate)}; p50 ${ms(c.p50Ms)}, p99 ${ms(c.p99Ms)}`,
    ];
    if (l.queueDepth !== null && l.queueCapacity) evidence.push(`input queue ${l.queueDepth}/${l.queueCapacity} (mean fill ${pct(l.inputFill ?? 0)})`);
    const siblings = w.edges.filter((e) => root.from.includes(e.from) && e.to !== c.id).map((e) => e.to);
    for (const s of new Set(siblings)) {
      const sl = loads.get(s);
      if (sl?.busy != null) evidence.push(`sibling ${s} busy ${pct(sl.busy)} (not the limit)`);
    }
    const processorChain = c.role === "processor" && w.edges.some((e) => (e.to === c.id || e.from === c.id) && w.components.find((x) => x.id === (e.to === c.id ? e.from : e.to))?.role === "processor");
    const stalled = (c.inRate ?? c.outRate ?? 1) < 0.01 && (l.inputFill ?? 0) > 0.5;
    if (stalled) evidence.unshift(`${c.id} took no events in the window while its input queue is full: it is stalled, not slow`);
    if (w.host && w.host.cpuUsedCores !== null) {
      const all = w.host.hostBusyCores != null ? `, ${w.host.hostBusyCores.toFixed(1)} busy in all` : "";
      evidence.push(`host CPU: ${w.host.cpuUsedCores.toFixed(1)} of ${w.host.cpuCount} cores in use by the pipeline${all}`);
    }
    const gcHeavy = c.gc != null && c.gc > t.gcThreshold;
    if (gcHeavy) evidence.push(`${c.id} spends ${pct(c.gc!)} of its time in garbage-collection pauses`);
    const recs = componentRecommendations(c, { processorChain, gcHeavy, ...(w.host ? { host: w.host } : {}) });
    return {
      kind: "component",
      component: c.id,
      edge: null,
      reason: stalled
        ? `${c.id} (${c.role}) is the bottleneck: it is stalled — no events taken in the window while ${root.from.join(", ")} ${root.from.length > 1 ? "wait" : "waits"} on its full queue`
        : waiting.length
        ? `${c.id} (${c.role}) is the bottleneck: it is busy ${pct(l.busy ?? 0)} of the time while ${waiting.join(", ")} ${waiting.length > 1 ? "are" : "is"} back-pressured waiting on it`
        : `${c.id} (${c.role}) is the bottleneck: it is busy ${pct(l.busy ?? 0)} of the time and falling behind (its input queue keeps growing)`,
      evidence,
      recommendations: stalled ? [`check ${c.id}'s log and health: it accepted nothing (deadlock, a hung write, a lost connection)`, ...recs] : recs,
    };
  }
  const e = root.edge;
  const recv = loads.get(e.to);
  if (root.undelivered) {
    return {
      kind: "edge",
      component: null,
      edge: { from: e.from, to: e.to },
      reason: `the edge ${e.from} → ${e.to} delivers nothing: ${e.from} emits ${rate(root.undelivered.emitted)} but ${rate(e.rate)} arrive, and its queue is not filling — events are lost in transport`,
      evidence: [
        `${e.from} emitted ${rate(root.undelivered.emitted)} (its own count)`,
        `${e.from} → ${e.to} delivered ${rate(e.rate)}; queue ${e.queueDepth ?? "?"}/${e.queueCapacity ?? "?"}`,
        `${e.to} busy ${recv?.busy == null ? "n/a" : pct(recv.busy)}`,
      ],
      recommendations: [
        `check the engine log and ${e.from}'s log for gRPC errors (message size limits: an event or batch over 4 MiB is refused)`,
        "reduce event size, or lower the batch size so a batch stays under the gRPC message limit",
        `raise the edge's queue capacity only after delivery works: nothing is queued on ${e.from} → ${e.to} now`,
      ],
    };
  }
  return {
    kind: "edge",
    component: null,
    edge: { from: e.from, to: e.to },
    reason: `the edge ${e.from} → ${e.to} is the bottleneck: ${e.from} is blocked on its full queue while ${e.to} is idle, so transport (serialization/gRPC) limits throughput`,
    evidence: [
      `${e.from} blocked on ${e.from} → ${e.to} ${pct(e.blocked ?? 0)} of the time`,
      `${e.to} busy ${recv?.busy == null ? "n/a" : pct(recv.busy)}`,
      `queue ${e.queueDepth ?? "?"}/${e.queueCapacity ?? "?"} (mean fill ${pct(e.avgFill ?? 0)}), ${rate(e.rate)} across the edge`,
    ],
    recommendations: edgeRecommendations(e),
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
      const cause = b ? ` by ${b.component ?? `${b.edge?.from} → ${b.edge?.to}`}` : "";
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
