/**
 * One second of a live run for the console: the diagnosis window's rates, latencies and busy shares
 * (the same numbers `flowctl diagnose` reads), the router's counters, process state from the
 * supervisor and health from the control plane — folded into {@link LiveRunStats}.
 */
import type { ComponentRegistry } from "../control-plane/registry";
import { registryKey } from "../core/registry";
import type { MetricWindow } from "../diagnosis/diagnosis-types";
import type { ComponentSummary, RunTopology } from "../engine/run-types";
import { collectMetricWindow } from "../metrics/collect-window";
import type { MetricsQuery, Sample } from "../metrics/query/query-types";
import type { LiveComponentStats, LiveEdgeStats, LiveRunStats } from "./api-types";

/** Window the live rates are computed over: short enough to react, long enough to be steady. */
export const LIVE_WINDOW_MS = 5_000;

/** What {@link toLiveStats} folds together (everything already read; the function is pure). */
export interface LiveStatsInput {
  runId: string;
  at: number;
  state: string;
  topology: RunTopology;
  counters: readonly ComponentSummary[];
  window: MetricWindow;
  /** Per-instance samples keyed by instance id (replicas' heat map). */
  instanceRates: ReadonlyMap<string, number>;
  instanceBusy: ReadonlyMap<string, number>;
  /** Registry health by instance id. */
  health: ReadonlyMap<string, string>;
}

/** The worst of several instance states, so one restarting replica shows on the component. */
const STATE_RANK = ["failed", "restarting", "starting", "registering", "running", "exited", "stopped"];

function aggregateStatus(states: string[]): string {
  if (states.length === 0) return "unknown";
  return [...states].sort((a, b) => rankOf(a) - rankOf(b))[0]!;
}

function rankOf(s: string): number {
  const i = STATE_RANK.indexOf(s);
  return i < 0 ? STATE_RANK.length : i;
}

const HEALTH_RANK = ["UNHEALTHY", "DEGRADED", "STARTING", "UNKNOWN", "STOPPING", "HEALTHY"];

/** Pure: see {@link LiveStatsInput}. */
export function toLiveStats(input: LiveStatsInput): LiveRunStats {
  const counters = new Map(input.counters.map((c) => [c.id, c]));
  const windows = new Map(input.window.components.map((c) => [c.id, c]));
  const components: LiveComponentStats[] = input.topology.components.map((c) => {
    const w = windows.get(c.id);
    const k = counters.get(c.id);
    const healths = c.instances.map((i) => input.health.get(i.instanceId) ?? "UNKNOWN");
    return {
      id: c.id,
      role: c.role,
      replicas: c.replicas,
      status: aggregateStatus(c.instances.map((i) => i.status)),
      health: healths.sort((a, b) => HEALTH_RANK.indexOf(a) - HEALTH_RANK.indexOf(b))[0] ?? "UNKNOWN",
      inRate: w?.inRate ?? null,
      outRate: w?.outRate ?? null,
      p50Ms: w?.p50Ms ?? null,
      p95Ms: w?.p95Ms ?? null,
      p99Ms: w?.p99Ms ?? null,
      busy: w?.busy ?? null,
      idle: w?.idle ?? null,
      backpressured: w?.backpressured ?? null,
      restarts: c.instances.reduce((a, i) => a + i.restarts, 0),
      eventsIn: k?.eventsIn ?? 0,
      eventsOut: k?.eventsOut ?? 0,
      errors: k?.errors ?? 0,
      instances: c.instances.map((i) => ({
        id: i.instanceId,
        status: i.status,
        restarts: i.restarts,
        rate: input.instanceRates.get(i.instanceId) ?? null,
        busy: input.instanceBusy.get(i.instanceId) ?? null,
      })),
    };
  });
  const edgeWindows = new Map(input.window.edges.map((e) => [`${e.from}\u0000${e.to}`, e]));
  const edges: LiveEdgeStats[] = input.topology.edges.map((e) => {
    const w = edgeWindows.get(`${e.from}\u0000${e.to}`);
    const depth = w?.queueDepth ?? null;
    return {
      from: e.from,
      to: e.to,
      rate: w?.rate ?? null,
      depth,
      capacity: e.capacity,
      fill: depth === null || e.capacity <= 0 ? null : Math.min(1, depth / e.capacity),
      blocked: w?.blocked ?? null,
      dropped: counters.get(e.to)?.dropped ?? 0,
    };
  });
  const sinks = components.filter((c) => c.role === "sink");
  const sinkRates = sinks.map((s) => s.inRate).filter((r): r is number => r !== null);
  return {
    runId: input.runId,
    at: input.at,
    state: input.state,
    components,
    edges,
    sinkRate: sinkRates.length > 0 ? sinkRates.reduce((a, r) => a + r, 0) : null,
    eventsProcessed: sinks.reduce((a, s) => a + s.eventsIn, 0),
  };
}

/** What {@link collectLiveStats} reads from a live run (structural, so tests can fake it). */
export interface LiveStatsSource {
  readonly runId: string;
  readonly state: string;
  topology(): RunTopology;
  snapshot(): ComponentSummary[];
}

/** Reads everything for the second ending at `at` and folds it. */
export async function collectLiveStats(run: LiveStatsSource, query: MetricsQuery, registry: ComponentRegistry | undefined, at: number, signal?: AbortSignal): Promise<LiveRunStats> {
  const topology = run.topology();
  const pipe = { pipeline: topology.pipeline };
  const perInstance = (name: string) => query.instant({ kind: "sum", by: ["component_id"], expr: { kind: "rate", name, matchers: pipe, windowMs: LIVE_WINDOW_MS } }, at, signal ? { signal } : {});
  const hasReplicas = topology.components.some((c) => c.replicas > 1);
  const [window, processed, busy] = await Promise.all([
    collectMetricWindow(query, topology, { atMs: at, windowMs: LIVE_WINDOW_MS, ...(signal ? { signal } : {}) }),
    hasReplicas ? perInstance("component_events_processed_total") : Promise.resolve([]),
    hasReplicas ? perInstance("component_busy_seconds_total") : Promise.resolve([]),
  ]);
  const health = new Map<string, string>();
  for (const c of topology.components) {
    for (const i of c.instances) {
      const reg = registry?.get(registryKey(i.instanceId, run.runId));
      if (reg) health.set(i.instanceId, reg.status);
    }
  }
  return toLiveStats({
    runId: run.runId,
    at,
    state: run.state,
    topology,
    counters: run.snapshot(),
    window,
    instanceRates: byInstance(processed),
    instanceBusy: byInstance(busy),
    health,
  });
}

function byInstance(samples: Sample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) if (s.labels.component_id && Number.isFinite(s.value)) out.set(s.labels.component_id, s.value);
  return out;
}
