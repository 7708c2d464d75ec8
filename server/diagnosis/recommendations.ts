/**
 * Remedies from the performance tuning guide's checklist (docs/performance-tuning.md), chosen by
 * what kind of bottleneck was found, plus the capacity estimates the numbers allow.
 */
import type { ComponentWindow, EdgeWindow, HostWindow } from "./diagnosis-types";

/** Share of the host's cores in use above which adding processes on it cannot add throughput. */
export const HOST_SATURATED = 0.9;

/** Cores in use on the host: all of its work when measured, else the pipeline's own. */
function busyCores(host: HostWindow | undefined): number | undefined {
  if (!host) return undefined;
  const busy = host.hostBusyCores ?? host.cpuUsedCores;
  return busy === null ? undefined : Math.max(busy, host.cpuUsedCores ?? 0);
}

/** Idle cores on the host, or undefined when CPU use was not measured. */
export function idleCores(host: HostWindow | undefined): number | undefined {
  const busy = busyCores(host);
  return busy === undefined ? undefined : Math.max(0, host!.cpuCount - busy);
}

function isHostSaturated(host: HostWindow | undefined): boolean {
  const busy = busyCores(host);
  return busy !== undefined && busy >= HOST_SATURATED * host!.cpuCount;
}

const fmtRate = (r: number) => (r >= 100 ? `${Math.round(r)}` : r.toFixed(1));

/**
 * Throughput one replica sustains when 100 % busy: observed rate ÷ busy fraction (per replica).
 * Undefined when the component is barely busy (the ratio would be noise).
 */
export function capacityPerReplica(c: ComponentWindow): number | undefined {
  const rate = c.role === "sink" ? (c.outRate ?? c.inRate) : (c.inRate ?? c.outRate);
  const replicas = c.replicas ?? 1;
  if (rate == null || c.busy == null || c.busy < 0.2 || rate <= 0) return undefined;
  return rate / replicas / Math.min(1, c.busy);
}

/**
 * "With N replicas ≈ X events/s" lines for 2× and 4× the current replica count. A busy replica
 * needs about a core of its own: when the host has fewer idle cores than the extra replicas need,
 * the line says so instead of promising throughput the machine cannot give.
 */
export function replicaEstimates(c: ComponentWindow, host?: HostWindow): string[] {
  const per = capacityPerReplica(c);
  if (per === undefined) return [];
  const r = c.replicas ?? 1;
  const idle = idleCores(host);
  return [2 * r, 4 * r].map((n) => {
    const line = `estimate: with ${n} replicas ≈ ${fmtRate(per * n)} events/s (${fmtRate(per)} events/s per replica at 100 % busy; upstream limits still apply)`;
    const extraCores = (n - r) * Math.min(1, c.busy ?? 1);
    if (idle === undefined || idle >= extraCores) return line;
    return `${line} — needs ~${extraCores.toFixed(1)} more cores; this host has ${idle.toFixed(1)} of ${host!.cpuCount} idle`;
  });
}

/** The tuning guide's "set GC target" advice, for the runtime a component runs on. */
export function gcAdvice(id: string): string {
  return `cut ${id}'s garbage collection: fewer per-event allocations (reuse buffers, avoid decode/re-encode round-trips); or try a roomier young generation and compare its busy time per event — Node: \`NODE_OPTIONS=--max-semi-space-size=32\` in its env; Go: \`GOGC=200\``;
}

/** Recommendations for a component bottleneck, most effective first. */
export function componentRecommendations(c: ComponentWindow, opts: { processorChain: boolean; host?: HostWindow; gcHeavy?: boolean }): string[] {
  const r = c.replicas ?? 1;
  const recs: string[] = [];
  if (c.role !== "sink" && isHostSaturated(opts.host)) {
    const h = opts.host!;
    const others = h.hostBusyCores != null && h.cpuUsedCores !== null && h.hostBusyCores - h.cpuUsedCores >= 0.1 ? ` (other work on the host: ${(h.hostBusyCores - h.cpuUsedCores).toFixed(1)})` : "";
    recs.push(
      `the host is saturated: ${busyCores(h)!.toFixed(1)} of its ${h.cpuCount} cores are busy, the pipeline's processes using ${(h.cpuUsedCores ?? 0).toFixed(1)}${others}, so more replicas on this machine cannot add throughput — cut ${c.id}'s CPU per event or give the pipeline more cores (a bigger machine, or spread replicas over several)`,
    );
  }
  if (c.role === "sink") {
    recs.push(
      `batch writes in ${c.id}: set \`batch: { size, flushInterval }\` (BATCH_SIZE) so one write carries many events instead of one round-trip per event`,
      `make ${c.id} asynchronous: buffer events and flush in the background so slow I/O does not block delivery`,
      `add replicas: \`replicas: ${r * 2}\` on ${c.id} (events are partitioned across replicas), or partition the target`,
      `use connection pooling in ${c.id} and check the target's write latency (indexes, fsync, network)`,
    );
  } else if (c.role === "processor") {
    recs.push(
      `add replicas: \`replicas: ${r * 2}\` on ${c.id} to process partitions in parallel (CPU-bound stages scale with cores)`,
      `minimise work in ${c.id}'s hot path: avoid per-event allocations, compile regexes/expressions once, batch external calls`,
      `give ${c.id} more CPU (resources.limits.cpu) or pin it to its own core`,
    );
    if (opts.processorChain) recs.push(`combine ${c.id} with its neighbouring processor(s) to cut serialization hops`);
  } else {
    recs.push(`batch data fetching in ${c.id} and use connection pooling`, `partition the source (PARTITION_ID/PARTITION_COUNT via replicas)`);
  }
  if (opts.gcHeavy) recs.push(gcAdvice(c.id));
  return [...recs, ...replicaEstimates(c, opts.host)];
}

/** Recommendations for an edge/transport bottleneck. */
export function edgeRecommendations(e: EdgeWindow): string[] {
  return [
    `use the batched wire on ${e.from} → ${e.to}: set \`batch:\` on ${e.to} (batch/v1 amortises per-event gRPC cost)`,
    `raise the edge's queue capacity (\`queue.capacity\` on ${e.to}, currently ${e.queueCapacity ?? "?"}) to absorb bursts`,
    `combine hops: merge ${e.from} and ${e.to}'s logic where possible to cut serialization`,
    "reduce event size (payload bytes per event) to cut serialization and transport cost",
  ];
}
