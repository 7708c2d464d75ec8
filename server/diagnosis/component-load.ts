/**
 * Busy / back-pressured fractions per component: the SDK's time counters when present, edge
 * metrics otherwise (foreign components). The engine's view of back-pressure (time the sender
 * waited on a full output queue) is folded in for every component, because a source blocked by
 * the router may not know it is blocked.
 */
import type { ComponentWindow, EdgeWindow, HostWindow, StageBound } from "./diagnosis-types";
import { isHostSaturated } from "./host";

export interface ComponentLoad {
  id: string;
  busy: number | null;
  backpressured: number;
  /** Max mean fill of the component's input queues (0..1), null without edge data. */
  inputFill: number | null;
  /** Sum of depths / capacities over the component's input edges. */
  queueDepth: number | null;
  queueCapacity: number | null;
  /** True when busy was inferred from queues rather than measured. */
  inferred: boolean;
  /** CPU-bound or waiting, for a component busy ≥ 20 %; null below (nothing to tell). */
  bound: StageBound | null;
  /** Cores one replica uses at 100 % busy (its CPU ÷ busy); null without CPU data. */
  coresPerBusyReplica: number | null;
}

/** Busy below this is too little to say what the component spends its time on. */
const MIN_BUSY_TO_CLASSIFY = 0.2;

/**
 * CPU-bound when a replica's CPU is at least half its busy time; waiting when it is far below (a
 * handler awaiting I/O or a timer is busy without using a core). On a saturated host a CPU-bound
 * stage also waits, for a core: there only a clear gap (< 15 %) counts as waiting.
 */
export function classifyStage(cpuPerReplica: number | null, busy: number | null, host: HostWindow | undefined): StageBound | null {
  if (busy === null || busy < MIN_BUSY_TO_CLASSIFY) return null;
  if (cpuPerReplica === null) return "unknown";
  const ratio = cpuPerReplica / busy;
  if (ratio >= 0.5) return "cpu";
  if (isHostSaturated(host) && ratio >= 0.15) return "unknown";
  return "waiting";
}

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

function sumOrNull(values: Array<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? present.reduce((a, b) => a + b, 0) : null;
}

/** Load of every component keyed by id. */
export function computeLoads(components: readonly ComponentWindow[], edges: readonly EdgeWindow[], fullQueueFill: number, host?: HostWindow): Map<string, ComponentLoad> {
  const out = new Map<string, ComponentLoad>();
  for (const c of components) {
    const outs = edges.filter((e) => e.from === c.id);
    const ins = edges.filter((e) => e.to === c.id);
    const blocked = outs.map((e) => e.blocked).filter((b): b is number => b !== null);
    // Fan-out blocks on one queue at a time; the sum over edges is the sender's blocked share.
    const edgeBp = blocked.length ? clamp01(blocked.reduce((a, b) => a + b, 0)) : null;
    // A component whose /metrics mostly timed out (a blocked event loop) reports stale time
    // counters: fall back to what the engine sees.
    const trustSdk = (c.metricsAvailability ?? 1) >= 0.5;
    const bp = clamp01(Math.max(trustSdk ? (c.backpressured ?? 0) : 0, edgeBp ?? 0));
    const fills = ins.map((e) => e.avgFill).filter((f): f is number => f !== null);
    const inputFill = fills.length ? Math.max(...fills) : null;
    let busy = trustSdk ? c.busy : null;
    let inferred = false;
    if (busy === null && inputFill !== null && inputFill >= fullQueueFill) {
      // A foreign component with a full input queue is working all the time it is not blocked.
      busy = clamp01(1 - bp);
      inferred = true;
    }
    const cpuPerReplica = c.cpu == null ? null : c.cpu / Math.max(1, c.replicas ?? 1);
    const busyNow = busy === null ? null : clamp01(busy);
    out.set(c.id, {
      id: c.id,
      busy: busyNow,
      bound: classifyStage(cpuPerReplica, busyNow, host),
      coresPerBusyReplica: cpuPerReplica !== null && busyNow !== null && busyNow >= MIN_BUSY_TO_CLASSIFY ? cpuPerReplica / busyNow : null,
      backpressured: bp,
      inputFill,
      queueDepth: sumOrNull(ins.map((e) => e.queueDepth)),
      queueCapacity: sumOrNull(ins.map((e) => e.queueCapacity)),
      inferred,
    });
  }
  return out;
}
