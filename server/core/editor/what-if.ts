/**
 * What-if from the last run: each component's measured capacity (events/s one replica handles at
 * 100 % busy = rate ÷ replicas ÷ busy share, as the diagnosis estimates it) and, for proposed
 * replica counts, the pipeline throughput and the new bottleneck — before anything runs.
 *
 * Model (docs/editor.md, "What-if"): with blocking queues every stage ends up moving at the pace
 * of the slowest one, so throughput is one number T (events/s out of the sources, split between
 * sources as in the run) and each stage i carries T·Gᵢ events/s, where Gᵢ follows the edges
 * (fan-out copies events, fan-in adds them, a processor emits outRate/inRate per input as
 * measured). T is the largest value no stage exceeds: min over i of capacityᵢ ÷ Gᵢ, also capped by
 * configured source rates and, when measured, by the host's cores (CPU per event as in the run).
 */
import type { Document } from "yaml";
import { buildDag, topoSort } from "../graph/dag";
import { loadGeneratorEnvSchema } from "../spec/builtin-env.schema";
import { configToEnv, findBuiltin } from "../spec/index";
import type { EditorGraph } from "./editor-graph";
import { componentKey, componentRefs } from "./yaml-document";

/** One component over the run's window (a diagnosis report's component rows fit as they are). */
export interface MeasuredComponent {
  id: string;
  inRate: number | null;
  outRate: number | null;
  /** Share of wall time the component was working (0..1, averaged over replicas). */
  busy: number | null;
  /** Instances during the run; defaults to the graph's `replicas`. */
  replicas?: number;
}

/** What the last run measured. */
export interface RunMeasurements {
  components: readonly MeasuredComponent[];
  /** The host the run used: cores, and the CPU the pipeline's processes used (cores). */
  host?: { cpuCount: number; cpuUsedCores?: number | null };
}

/** How far a capacity figure can be trusted. */
export type CapacityConfidence = "measured" | "rough" | "unknown";

/** A component's measured capacity. */
export interface NodeCapacity {
  id: string;
  /** Replicas during the run. */
  replicas: number;
  /** Events/s one replica handles at 100 % busy; absent when unknown. */
  perReplica?: number;
  /** `measured`: busy ≥ 20 %; `rough`: 2–20 % (small shares are noisy); `unknown`: no data, or idle. */
  confidence: CapacityConfidence;
}

/** Options of {@link whatIf}. */
export interface WhatIfOptions {
  /** Proposed replicas by component id (others keep the run's). */
  replicas?: Readonly<Record<string, number>>;
  /** Configured rate limits of sources (events/s over all replicas, e.g. load-generator EVENTS_PER_SECOND × replicas). */
  sourceLimits?: Readonly<Record<string, number>>;
}

/** One stage under the proposal. */
export interface WhatIfNode {
  id: string;
  replicas: number;
  /** Events/s the stage handles with its proposed replicas; absent when unknown (treated as unlimited). */
  capacity?: number;
  /** Events/s the stage would carry (inputs for processors and sinks, outputs for sources). */
  load?: number;
  /** load ÷ capacity; 1 at the bottleneck. */
  utilisation?: number;
  confidence: CapacityConfidence;
}

/** What limits the estimated throughput. */
export type WhatIfLimit = { kind: "component"; id: string } | { kind: "source-rate"; id: string } | { kind: "cpu" };

/** The estimate for one proposal. */
export interface WhatIfResult {
  /** Events/s out of the sources in the run. */
  observed: number | null;
  /** Estimated events/s out of the sources; null when nothing measured limits it. */
  throughput: number | null;
  /** The new bottleneck; null when nothing measured limits the pipeline. */
  limit: WhatIfLimit | null;
  nodes: WhatIfNode[];
  /** Estimated events/s into each sink. */
  sinks: Record<string, number>;
  /** Caveats of this estimate, for the user. */
  notes: string[];
}

const MEASURED_BUSY = 0.2;
const ROUGH_BUSY = 0.02;

function rateOf(role: string, m: MeasuredComponent): number | null {
  if (role === "source") return m.outRate;
  if (role === "sink") return m.outRate ?? m.inRate;
  return m.inRate ?? m.outRate;
}

/** Capacity per replica of every graph node that the run measured. */
export function nodeCapacities(graph: EditorGraph, run: RunMeasurements): NodeCapacity[] {
  const byId = new Map(run.components.map((c) => [c.id, c]));
  return graph.nodes.map((n) => {
    const m = byId.get(n.id);
    const replicas = Math.max(1, m?.replicas ?? n.replicas);
    const rate = m ? rateOf(n.role, m) : null;
    const busy = m?.busy ?? null;
    if (rate === null || rate <= 0 || busy === null || busy < ROUGH_BUSY) return { id: n.id, replicas, confidence: "unknown" as const };
    return { id: n.id, replicas, perReplica: rate / replicas / Math.min(1, busy), confidence: busy >= MEASURED_BUSY ? ("measured" as const) : ("rough" as const) };
  });
}

/** Estimates throughput and bottleneck for proposed replica counts (none = the run as it was). */
export function whatIf(graph: EditorGraph, run: RunMeasurements, opts: WhatIfOptions = {}): WhatIfResult {
  const notes: string[] = [];
  const measured = new Map(run.components.map((c) => [c.id, c]));
  const order = topoSort(buildDag(graph.nodes.map((n) => ({ id: n.id, inputs: graph.edges.filter((e) => e.to === n.id).map((e) => e.from) }))));
  const sources = graph.nodes.filter((n) => n.role === "source");
  const observedRates = sources.map((s) => measured.get(s.id)?.outRate ?? 0);
  const observedTotal = observedRates.reduce((a, b) => a + b, 0);
  const observed = sources.some((s) => measured.get(s.id)?.outRate != null) ? observedTotal : null;
  const capacities = new Map(nodeCapacities(graph, run).map((c) => [c.id, c]));
  const empty: WhatIfResult = { observed, throughput: null, limit: null, nodes: [], sinks: {}, notes };
  if (!order) return { ...empty, notes: ["the pipeline has a cycle: no throughput estimate"] };
  if (sources.length === 0) return { ...empty, notes: ["the pipeline has no sources"] };

  // Share of the total each source emits, as in the run (equal shares when the run has no rates).
  const share = new Map(sources.map((s, i) => [s.id, observedTotal > 0 ? observedRates[i]! / observedTotal : 1 / sources.length]));
  const gain = new Map<string, number>(); // events/s at each node per event/s out of all sources
  const outflow = new Map<string, number>();
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const id of order) {
    const node = byId.get(id)!;
    const inflow = node.role === "source" ? share.get(id)! : graph.edges.filter((e) => e.to === id).reduce((s, e) => s + (outflow.get(e.from) ?? 0), 0);
    gain.set(id, inflow);
    const m = measured.get(id);
    const ratio = node.role === "processor" && m?.inRate && m.outRate != null && m.inRate > 0 ? m.outRate / m.inRate : 1;
    outflow.set(id, node.role === "sink" ? 0 : inflow * ratio);
  }

  let throughput = Infinity;
  let limit: WhatIfLimit | null = null;
  const consider = (t: number, l: WhatIfLimit) => {
    if (t < throughput) [throughput, limit] = [t, l];
  };
  const plan = graph.nodes.map((n) => {
    const cap = capacities.get(n.id)!;
    const replicas = Math.max(1, Math.floor(opts.replicas?.[n.id] ?? cap.replicas));
    const capacity = cap.perReplica !== undefined ? cap.perReplica * replicas : undefined;
    const g = gain.get(n.id) ?? 0;
    if (capacity !== undefined && g > 0) consider(capacity / g, { kind: "component", id: n.id });
    if (cap.confidence === "unknown") notes.push(`${n.id}: capacity not measured in the run (no data or barely busy); treated as unlimited`);
    else if (cap.confidence === "rough") notes.push(`${n.id}: capacity from a small busy share, rough`);
    return { n, replicas, capacity, g, confidence: cap.confidence };
  });
  for (const s of sources) {
    const cap = opts.sourceLimits?.[s.id];
    if (cap !== undefined && cap > 0) consider(cap / share.get(s.id)!, { kind: "source-rate", id: s.id });
  }
  const host = run.host;
  if (host && host.cpuUsedCores && host.cpuUsedCores > 0 && observed) {
    // CPU per event as measured over the whole pipeline; more processes cannot use more cores than exist.
    consider((observed * host.cpuCount) / host.cpuUsedCores, { kind: "cpu" });
  } else if (host) {
    const cpuBound = plan.filter((p) => (measured.get(p.n.id)?.busy ?? 0) >= 0.5).reduce((s, p) => s + p.replicas, 0);
    if (cpuBound > host.cpuCount) notes.push(`${cpuBound} busy replicas on ${host.cpuCount} cores: if they compute rather than wait, they cannot all get a core, and the estimate is too high`);
  }
  const t = Number.isFinite(throughput) ? throughput : null;
  if (t === null) notes.push("no measured limit: every stage's capacity is unknown");
  const nodes: WhatIfNode[] = plan.map((p) => {
    const out: WhatIfNode = { id: p.n.id, replicas: p.replicas, confidence: p.confidence };
    if (p.capacity !== undefined) out.capacity = p.capacity;
    if (t !== null) out.load = t * p.g;
    if (t !== null && p.capacity !== undefined && p.capacity > 0) out.utilisation = (t * p.g) / p.capacity;
    return out;
  });
  const sinks = t === null ? {} : Object.fromEntries(graph.nodes.filter((n) => n.role === "sink").map((n) => [n.id, t * (gain.get(n.id) ?? 0)]));
  return { observed, throughput: t, limit: t === null ? null : limit, nodes, sinks, notes };
}

/**
 * Rate limits the pipeline file sets on its sources: a load-generator's EVENTS_PER_SECOND (env or
 * config; 0 = unthrottled) times its replicas. Other sources have no limit the file states.
 */
export function configuredSourceLimits(doc: Document): Record<string, number> {
  const out: Record<string, number> = {};
  const keys = new Set<string>();
  for (const ref of componentRefs(doc)) {
    const key = componentKey(ref, keys);
    keys.add(key);
    if (ref.role !== "source") continue;
    const value = ref.node.toJSON() as Record<string, unknown>;
    if (value.command !== undefined || value.image !== undefined || findBuiltin(value.type as string | undefined)?.name !== "load-generator") continue;
    const env = { ...configToEnv(isRecord(value.config) ? value.config : undefined), ...(isRecord(value.env) ? value.env : {}) };
    const raw = env.EVENTS_PER_SECOND;
    // The component's own schema: same default, same parsing as at start-up.
    const parsed = loadGeneratorEnvSchema.shape.EVENTS_PER_SECOND.safeParse(raw === undefined || raw === null || raw === "" ? undefined : String(raw));
    if (!parsed.success) continue;
    const rate = parsed.data;
    const replicas = typeof value.replicas === "number" ? Math.max(1, value.replicas) : 1;
    if (Number.isFinite(rate) && rate > 0) out[key] = rate * replicas;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
