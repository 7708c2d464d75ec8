/** Turns the root cause into the report's bottleneck: reason, evidence, recommendations, estimates. */
import type { ComponentLoad } from "./component-load";
import { pct, type RootCause } from "./detect-bottleneck";
import type { Bottleneck, ComponentWindow, DiagnosisOptions, MetricWindow } from "./diagnosis-types";
import { busyCores, otherWork } from "./host";
import { componentRecommendations, cpuSpenders, edgeRecommendations, hostRecommendations } from "./recommendations";

const rate = (x: number | null) => (x === null ? "n/a" : `${x >= 100 ? Math.round(x) : x.toFixed(1)} events/s`);
const ms = (x: number | null) => (x === null ? "n/a" : `${x.toFixed(1)} ms`);
/** Cores to one decimal; small shares (a waiting stage's) to two, so they do not read as none. */
const cores = (n: number) => (n >= 0.1 || n < 0.005 ? n.toFixed(1) : n.toFixed(2));

/** Every component upstream of `id` (its inputs, their inputs, …). */
function ancestors(w: MetricWindow, id: string): Set<string> {
  const out = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    for (const e of w.edges) {
      if (e.to !== cur || out.has(e.from)) continue;
      out.add(e.from);
      stack.push(e.from);
    }
  }
  return out;
}

/** The host line of the evidence: the pipeline's cores, and the host's when measured. */
function hostEvidence(w: MetricWindow): string | undefined {
  if (!w.host || w.host.cpuUsedCores === null) return undefined;
  const all = w.host.hostBusyCores != null ? `, ${w.host.hostBusyCores.toFixed(1)} busy in all` : "";
  return `host CPU: ${w.host.cpuUsedCores.toFixed(1)} of ${w.host.cpuCount} cores in use by the pipeline${all}`;
}

/** What bounds a busy component, for the evidence. */
function boundEvidence(c: ComponentWindow, l: ComponentLoad): string | undefined {
  if (l.bound === "cpu") return `${c.id} is CPU-bound: its processes use ${cores(c.cpu!)} cores while busy ${pct(l.busy ?? 0)}`;
  if (l.bound === "waiting") return `${c.id} waits rather than computes: busy ${pct(l.busy ?? 0)} of the time on ${cores(c.cpu!)} cores (I/O, timers or remote calls)`;
  if (l.bound === "unknown") return c.cpu == null ? `${c.id}'s CPU use is unknown (it exports no process_cpu_seconds_total): whether it computes or waits cannot be told` : `${c.id} uses ${cores(c.cpu)} cores while busy ${pct(l.busy ?? 0)}: on a saturated host, waiting for a core looks like waiting for I/O`;
  return undefined;
}

/** The report's bottleneck for a root cause. */
export function describeRootCause(root: RootCause, w: MetricWindow, loads: ReadonlyMap<string, ComponentLoad>, t: Required<DiagnosisOptions>): Bottleneck {
  if (root.kind === "host") return describeHost(root.from, w, loads);
  if (root.kind === "edge") return describeEdge(root, w, loads);
  const c = root.component;
  const l = root.load;
  const waiting = root.from.filter((id) => (loads.get(id)?.backpressured ?? 0) > t.idleThreshold);
  const evidence = [
    `${c.id} busy ${pct(l.busy ?? 0)}${l.inferred ? " (inferred from its full input queue: no SDK time counters)" : ""}, back-pressured ${pct(l.backpressured)}`,
    waiting.length
      ? `upstream back-pressured: ${waiting.map((id) => `${id} ${pct(loads.get(id)?.backpressured ?? 0)}`).join(", ")}`
      : `input queue from ${root.from.join(", ")} keeps growing: ${c.id} takes fewer events than arrive`,
    `${c.id} rate in ${rate(c.inRate)}, out ${rate(c.outRate)}; p50 ${ms(c.p50Ms)}, p99 ${ms(c.p99Ms)}`,
  ];
  const bound = boundEvidence(c, l);
  if (bound) evidence.push(bound);
  if (l.queueDepth !== null && l.queueCapacity) evidence.push(`input queue ${l.queueDepth}/${l.queueCapacity} (mean fill ${pct(l.inputFill ?? 0)})`);
  // Siblings share an input with the bottleneck; a component upstream of it is never one.
  const inputs = new Set(w.edges.filter((e) => e.to === c.id).map((e) => e.from));
  const upstream = ancestors(w, c.id);
  const siblings = new Set(w.edges.filter((e) => inputs.has(e.from) && e.to !== c.id && !upstream.has(e.to)).map((e) => e.to));
  for (const s of siblings) {
    const sl = loads.get(s);
    if (sl?.busy != null) evidence.push(`sibling ${s} (also fed by ${w.edges.filter((e) => e.to === s && inputs.has(e.from)).map((e) => e.from).join(", ")}) busy ${pct(sl.busy)} (not the limit)`);
  }
  const processorChain = c.role === "processor" && w.edges.some((e) => (e.to === c.id || e.from === c.id) && w.components.find((x) => x.id === (e.to === c.id ? e.from : e.to))?.role === "processor");
  const stalled = (c.inRate ?? c.outRate ?? 1) < 0.01 && (l.inputFill ?? 0) > 0.5;
  if (stalled) evidence.unshift(`${c.id} took no events in the window while its input queue is full: it is stalled, not slow`);
  const hostLine = hostEvidence(w);
  if (hostLine) evidence.push(hostLine);
  const gcHeavy = c.gc != null && c.gc > t.gcThreshold;
  if (gcHeavy) evidence.push(`${c.id} spends ${pct(c.gc!)} of its time in garbage-collection pauses`);
  const { recommendations, estimates } = componentRecommendations(c, l, { processorChain, gcHeavy, ...(w.host ? { host: w.host } : {}) });
  const verb = root.from.length > 1 ? "wait" : "waits";
  return {
    kind: "component",
    component: c.id,
    edge: null,
    reason: stalled
      ? `${c.id} (${c.role}) is the bottleneck: it is stalled — no events taken in the window while ${root.from.join(", ")} ${verb} on its full queue`
      : waiting.length
        ? `${c.id} (${c.role}) is the bottleneck: it is busy ${pct(l.busy ?? 0)} of the time while ${waiting.join(", ")} ${waiting.length > 1 ? "are" : "is"} back-pressured waiting on it`
        : `${c.id} (${c.role}) is the bottleneck: it is busy ${pct(l.busy ?? 0)} of the time and falling behind (its input queue keeps growing)`,
    evidence,
    recommendations: stalled ? [`check ${c.id}'s log and health: it accepted nothing (deadlock, a hung write, a lost connection)`, ...recommendations] : recommendations,
    estimates: stalled ? [] : estimates,
  };
}

function describeEdge(root: Extract<RootCause, { kind: "edge" }>, w: MetricWindow, loads: ReadonlyMap<string, ComponentLoad>): Bottleneck {
  const e = root.edge;
  const recv = loads.get(e.to);
  const edge = { from: e.from, to: e.to };
  if (root.undelivered) {
    return {
      kind: "edge",
      component: null,
      edge,
      reason: `the edge ${e.from} → ${e.to} delivers nothing: ${e.from} emits ${rate(root.undelivered.emitted)} but ${rate(e.rate)} arrive, and its queue is not filling — events are lost in transport`,
      evidence: [
        `${e.from} emitted ${rate(root.undelivered.emitted)} (its own count)`,
        `${e.from} → ${e.to} delivered ${rate(e.rate)}; queue ${e.queueDepth ?? "?"}/${e.queueCapacity ?? "?"}`,
        `${e.to} busy ${recv?.busy == null ? "n/a" : pct(recv.busy)}`,
      ],
      recommendations: [
        `check the engine log and ${e.from}'s log for gRPC errors (message size limits: an event or batch over 4 MiB is refused)`,
        "reduce event size, or lower `batch.size` so a batch stays under the gRPC message limit",
        `raise the edge's queue capacity only after delivery works: nothing is queued on ${e.from} → ${e.to} now`,
      ],
      estimates: [],
    };
  }
  return {
    kind: "edge",
    component: null,
    edge,
    reason: `the edge ${e.from} → ${e.to} is the bottleneck: ${e.from} is blocked on its full queue while ${e.to} is idle, so transport (serialization/gRPC) limits throughput`,
    evidence: [
      `${e.from} blocked on ${e.from} → ${e.to} ${pct(e.blocked ?? 0)} of the time`,
      `${e.to} busy ${recv?.busy == null ? "n/a" : pct(recv.busy)}`,
      `queue ${e.queueDepth ?? "?"}/${e.queueCapacity ?? "?"} (mean fill ${pct(e.avgFill ?? 0)}), ${rate(e.rate)} across the edge`,
      ...(hostEvidence(w) ? [hostEvidence(w)!] : []),
    ],
    recommendations: edgeRecommendations(e, w.components.find((c) => c.id === e.to)),
    estimates: [],
  };
}

function describeHost(from: string[], w: MetricWindow, loads: ReadonlyMap<string, ComponentLoad>): Bottleneck {
  const h = w.host!;
  const busy = busyCores(h)!;
  const busiest = w.components
    .map((c) => [c.id, loads.get(c.id)?.busy ?? null] as const)
    .filter((x): x is readonly [string, number] => x[1] !== null)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  const other = otherWork(h);
  const spenders = cpuSpenders(w);
  const pressured = from.map((id) => `${id} ${pct(loads.get(id)?.backpressured ?? 0)}`).join(", ");
  const evidence = [
    `host CPU: ${busy.toFixed(1)} of ${h.cpuCount} cores busy, the pipeline's processes using ${(h.cpuUsedCores ?? 0).toFixed(1)}${other !== undefined ? `, other work ${other.toFixed(1)}` : ""}`,
    `no stage is more than half busy: ${busiest.map(([id, b]) => `${id} ${pct(b)}`).join(", ") || "no busy data"}`,
    `back-pressured all the same: ${pressured}`,
  ];
  if (spenders.length) evidence.push(`CPU by process: ${spenders.map(([id, n]) => `${id} ${cores(n)}`).join(", ")} cores`);
  return {
    kind: "host",
    component: null,
    edge: null,
    cpus: h.cpuCount,
    busyCores: Math.round(busy * 100) / 100,
    reason: `the host is the bottleneck: ${busy.toFixed(1)} of its ${h.cpuCount} cores are busy and no stage is more than half busy — the stages and the engine share too few cores`,
    evidence,
    recommendations: hostRecommendations(w, h),
    estimates: [],
  };
}
