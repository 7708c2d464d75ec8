/**
 * Turns raw series into a diagnosis {@link MetricWindow} through the {@link MetricsQuery} interface,
 * so diagnosis runs the same against the embedded store and a real Prometheus. Replicas report
 * under their instance id (`component_id="sink-1"`); they are folded into their YAML component.
 */
import os from "node:os";
import type { ComponentSettings, ComponentWindow, EdgeWindow, HostWindow, MetricWindow } from "../diagnosis/diagnosis-types";
import { bucketQuantile, type Bucket } from "./query/prom-functions";
import type { Expr, MetricsQuery, Sample } from "./query/query-types";

/** The part of the engine's RunTopology a window needs (structural: metrics does not import engine). */
export interface WindowTopology {
  pipeline: string;
  components: ReadonlyArray<{
    id: string;
    role: "source" | "processor" | "sink";
    replicas?: number;
    instances?: ReadonlyArray<{ instanceId: string }>;
    /** What the pipeline file sets (batch…), so advice already applied is not repeated. */
    settings?: ComponentSettings;
  }>;
  edges: ReadonlyArray<{ from: string; to: string; capacity?: number }>;
}

export interface CollectWindowOptions {
  /** End of the window, ms since epoch. */
  atMs: number;
  /** @default 10_000 */
  windowMs?: number;
  /** Cores available to the pipeline. @default this machine's */
  cpuCount?: number;
  signal?: AbortSignal;
}

/** Maps an instance id (`sink-1`) or component id to its YAML component id. */
export function instanceResolver(topology: WindowTopology): (instanceOrId: string | undefined) => string | undefined {
  const map = new Map<string, string>();
  for (const c of topology.components) {
    map.set(c.id, c.id);
    for (const i of c.instances ?? []) map.set(i.instanceId, c.id);
  }
  return (key) => {
    if (key === undefined) return undefined;
    const hit = map.get(key);
    if (hit) return hit;
    const m = /^(.*)-\d+$/.exec(key);
    return m ? map.get(m[1]!) : undefined;
  };
}

type PerComponent = Map<string, { sum: number; n: number }>;

function byComponent(samples: Sample[], resolve: (k: string | undefined) => string | undefined): PerComponent {
  const out: PerComponent = new Map();
  for (const s of samples) {
    const id = resolve(s.labels.component_id);
    if (!id || !Number.isFinite(s.value)) continue;
    const acc = out.get(id) ?? { sum: 0, n: 0 };
    acc.sum += s.value;
    acc.n++;
    out.set(id, acc);
  }
  return out;
}

const edgeKey = (from: string | undefined, to: string | undefined) => `${from ?? ""}\u0000${to ?? ""}`;

function byEdge(samples: Sample[], resolve: (k: string | undefined) => string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (!Number.isFinite(s.value)) continue;
    const key = edgeKey(resolve(s.labels.from) ?? s.labels.from, resolve(s.labels.to) ?? s.labels.to);
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** Collects one window's aggregates for `topology`. */
export async function collectMetricWindow(query: MetricsQuery, topology: WindowTopology, opts: CollectWindowOptions): Promise<MetricWindow> {
  const w = opts.windowMs ?? 10_000;
  const at = opts.atMs;
  const resolve = instanceResolver(topology);
  const pipe = { pipeline: topology.pipeline };
  const q = (e: Expr) => query.instant(e, at, { signal: opts.signal });
  // Component series carry the `pipeline` target label (scraper and file_sd), so a Prometheus
  // scraping several pipelines does not mix up components that share an id.
  const sumRate = (name: string): Expr => ({ kind: "sum", by: ["component_id"], expr: { kind: "rate", name, matchers: pipe, windowMs: w } });
  const edgeSum = (expr: Expr): Expr => ({ kind: "sum", by: ["from", "to"], expr });

  // Per-process runtime metrics: GC pause time and CPU (SDK components carry component_id; a
  // foreign Go component only the scrape target's instance label).
  const perProcessRate = (name: string): Expr => ({ kind: "sum", by: ["component_id", "instance"], expr: { kind: "rate", name, matchers: pipe, windowMs: w } });

  const [received, processed, emitted, errors, retries, deadLetters, busy, idle, bp, buckets, up, compUp, eRate, eBlocked, eDepth, eCap, eAvg, eDropped, eFiltered, compCpu, engineCpu, hostBusy, hostCpus, nodeGc, goGc, cpuBy, callCount, callSum, buffered] = await Promise.all([
    q(sumRate("component_events_received_total")),
    q(sumRate("component_events_processed_total")),
    q(sumRate("component_events_emitted_total")),
    q({ kind: "sum", by: ["component_id"], expr: { kind: "increase", name: "component_errors_total", matchers: pipe, windowMs: w } }),
    q({ kind: "sum", by: ["component_id"], expr: { kind: "increase", name: "component_write_retries_total", matchers: pipe, windowMs: w } }),
    q({ kind: "sum", by: ["component_id"], expr: { kind: "increase", name: "component_dead_letter_events_total", matchers: pipe, windowMs: w } }),
    q(sumRate("component_busy_seconds_total")),
    q(sumRate("component_idle_seconds_total")),
    q(sumRate("component_backpressured_seconds_total")),
    q({ kind: "sum", by: ["component_id", "le"], expr: { kind: "rate", name: "component_processing_duration_seconds_bucket", matchers: pipe, windowMs: w } }),
    q({ kind: "avg_over_time", name: "up", matchers: { ...pipe, job: "flowctl-component" }, windowMs: w }),
    q({ kind: "selector", name: "flowctl_component_up", matchers: pipe }),
    q(edgeSum({ kind: "rate", name: "flowctl_edge_events_total", matchers: pipe, windowMs: w })),
    q(edgeSum({ kind: "rate", name: "flowctl_edge_blocked_seconds_total", matchers: pipe, windowMs: w })),
    q(edgeSum({ kind: "selector", name: "flowctl_edge_queue_depth", matchers: pipe })),
    q(edgeSum({ kind: "selector", name: "flowctl_edge_queue_capacity", matchers: pipe })),
    q(edgeSum({ kind: "avg_over_time", name: "flowctl_edge_queue_depth", matchers: pipe, windowMs: w })),
    q(edgeSum({ kind: "increase", name: "flowctl_edge_dropped_total", matchers: pipe, windowMs: w })),
    q(edgeSum({ kind: "rate", name: "flowctl_edge_filtered_total", matchers: pipe, windowMs: w })),
    // Node's default process metrics: CPU of every component process, and of the engine (router included).
    q({ kind: "sum", by: [], expr: { kind: "rate", name: "process_cpu_seconds_total", matchers: pipe, windowMs: w } }),
    q({ kind: "sum", by: [], expr: { kind: "rate", name: "flowctl_engine_process_cpu_seconds_total", matchers: {}, windowMs: w } }),
    // The whole host (any process), from the engine: replicas need cores nobody else is using.
    q({ kind: "sum", by: [], expr: { kind: "rate", name: "flowctl_host_cpu_busy_seconds_total", matchers: {}, windowMs: w } }),
    q({ kind: "max", by: [], expr: { kind: "selector", name: "flowctl_host_cpus", matchers: {} } }),
    q(perProcessRate("nodejs_gc_duration_seconds_sum")),
    q(perProcessRate("go_gc_duration_seconds_sum")),
    // Each component's own CPU: tells a stage that computes from one that waits.
    q(perProcessRate("process_cpu_seconds_total")),
    // Handler calls (events, batches, sink writes) and their time: events per write, ms per call.
    q(sumRate("component_processing_duration_seconds_count")),
    q(sumRate("component_processing_duration_seconds_sum")),
    q({ kind: "sum", by: ["component_id"], expr: { kind: "selector", name: "component_queue_depth", matchers: pipe } }),
  ]);
  const depthSeries = await query.range(
    edgeSum({ kind: "selector", name: "flowctl_edge_queue_depth", matchers: pipe }),
    { startMs: at - w, endMs: at, stepMs: Math.max(1000, Math.round(w / 10)) },
    { signal: opts.signal },
  );

  const rec = byComponent(received, resolve);
  const proc = byComponent(processed, resolve);
  const emit = byComponent(emitted, resolve);
  const err = byComponent(errors, resolve);
  const retried = byComponent(retries, resolve);
  const dead = byComponent(deadLetters, resolve);
  const fBusy = byComponent(busy, resolve);
  const fIdle = byComponent(idle, resolve);
  const fBp = byComponent(bp, resolve);
  const byProcess = (samples: Sample[]) => byComponent(samples.map((s) => ({ labels: { component_id: s.labels.component_id ?? s.labels.instance ?? "" }, value: s.value })), resolve);
  const fGc = byProcess([...nodeGc, ...goGc]);
  const cpu = byProcess(cpuBy);
  const calls = byComponent(callCount, resolve);
  const callSeconds = byComponent(callSum, resolve);
  const inside = byComponent(buffered, resolve);
  const rate = byEdge(eRate, resolve);
  const blocked = byEdge(eBlocked, resolve);
  const depth = byEdge(eDepth, resolve);
  const cap = byEdge(eCap, resolve);
  const avg = byEdge(eAvg, resolve);
  const dropped = byEdge(eDropped, resolve);
  const filtered = byEdge(eFiltered, resolve);

  // Down/up is the engine's view (process and registry health); scrape success is availability.
  const down = new Set<string>();
  for (const s of compUp) {
    const id = resolve(s.labels.component_id);
    if (id && s.value === 0) down.add(id);
  }
  const seenUp = new Set(compUp.map((s) => resolve(s.labels.component_id)).filter(Boolean));
  const availability = byComponent(
    up.map((s) => ({ labels: { component_id: s.labels.instance ?? "" }, value: s.value })),
    resolve,
  );

  const bucketsBy = new Map<string, Map<number, number>>();
  for (const s of buckets) {
    const id = resolve(s.labels.component_id);
    const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
    if (!id || Number.isNaN(le) || !Number.isFinite(s.value)) continue;
    const m = bucketsBy.get(id) ?? new Map<number, number>();
    m.set(le, (m.get(le) ?? 0) + s.value);
    bucketsBy.set(id, m);
  }
  const quantileMs = (id: string, qv: number): number | null => {
    const m = bucketsBy.get(id);
    if (!m) return null;
    const bs: Bucket[] = [...m].map(([upperBound, count]) => ({ upperBound, count }));
    const v = bucketQuantile(qv, bs);
    return Number.isFinite(v) ? v * 1000 : null;
  };

  const edges: EdgeWindow[] = topology.edges.map((e) => {
    const k = edgeKey(e.from, e.to);
    const capacity = cap.get(k) ?? e.capacity ?? null;
    const avgDepth = avg.get(k);
    const samples = depthSeries.find((s) => edgeKey(resolve(s.labels.from) ?? s.labels.from, resolve(s.labels.to) ?? s.labels.to) === k);
    return {
      from: e.from,
      to: e.to,
      rate: rate.get(k) ?? null,
      blocked: blocked.has(k) ? Math.min(1, blocked.get(k)!) : null,
      queueDepth: depth.get(k) ?? null,
      queueCapacity: capacity,
      // The router's depth can briefly exceed capacity (events in flight count): a fill is ≤ 1.
      avgFill: avgDepth !== undefined && capacity ? Math.min(1, avgDepth / capacity) : null,
      dropped: dropped.get(k) ?? null,
      filteredRate: filtered.get(k) ?? null,
      ...(samples ? { depthSamples: samples.points } : {}),
    };
  });

  const components: ComponentWindow[] = topology.components.map((c) => {
    const ins = edges.filter((e) => e.to === c.id && e.rate !== null);
    const outs = edges.filter((e) => e.from === c.id && e.rate !== null);
    const edgeIn = ins.length ? ins.reduce((a, e) => a + e.rate!, 0) : null;
    const edgeOut = outs.length ? Math.max(...outs.map((e) => e.rate!)) : null;
    const frac = (m: PerComponent) => {
      const v = m.get(c.id);
      return v ? Math.max(0, Math.min(1, v.sum / v.n)) : null;
    };
    const inRate = c.role === "source" ? null : (rec.get(c.id)?.sum ?? edgeIn);
    const outRate = c.role === "sink" ? (proc.get(c.id)?.sum ?? edgeIn) : (emit.get(c.id)?.sum ?? proc.get(c.id)?.sum ?? edgeOut);
    return {
      id: c.id,
      role: c.role,
      replicas: c.replicas ?? c.instances?.length ?? 1,
      up: down.has(c.id) ? false : seenUp.has(c.id) ? true : null,
      metricsAvailability: availability.has(c.id) ? availability.get(c.id)!.sum / availability.get(c.id)!.n : null,
      inRate,
      outRate,
      p50Ms: quantileMs(c.id, 0.5),
      p95Ms: quantileMs(c.id, 0.95),
      p99Ms: quantileMs(c.id, 0.99),
      errors: err.get(c.id)?.sum ?? null,
      writeRetries: retried.get(c.id)?.sum ?? null,
      deadLettered: dead.get(c.id)?.sum ?? null,
      busy: frac(fBusy),
      idle: frac(fIdle),
      backpressured: frac(fBp),
      gc: frac(fGc),
      cpu: cpu.get(c.id)?.sum ?? null,
      calls: calls.get(c.id)?.sum ?? null,
      callMs: calls.get(c.id)?.sum && callSeconds.has(c.id) ? (callSeconds.get(c.id)!.sum / calls.get(c.id)!.sum) * 1000 : null,
      buffered: inside.get(c.id)?.sum ?? null,
      ...(c.settings ? { settings: c.settings } : {}),
    };
  });

  const cpuSamples = [...compCpu, ...engineCpu].filter((x) => Number.isFinite(x.value));
  const finite = (xs: typeof hostBusy) => xs.find((x) => Number.isFinite(x.value))?.value;
  const host: HostWindow = {
    cpuCount: opts.cpuCount ?? finite(hostCpus) ?? os.availableParallelism(),
    cpuUsedCores: cpuSamples.length ? cpuSamples.reduce((a, x) => a + x.value, 0) : null,
  };
  const hostBusyCores = finite(hostBusy);
  if (hostBusyCores !== undefined) host.hostBusyCores = hostBusyCores;
  return { pipeline: topology.pipeline, from: at - w, to: at, components, edges, host };
}
