/**
 * Remedies by kind of bottleneck (docs/performance-tuning.md), written with the pipeline file's
 * own keys, fitted to what limits the stage (its CPU, or waiting), to what the file already sets
 * (advice already applied is not repeated: what to try next is said instead), and with the
 * capacity estimates the numbers allow.
 */
import type { ComponentLoad } from "./component-load";
import type { ComponentWindow, EdgeWindow, Estimate, HostWindow, MetricWindow } from "./diagnosis-types";
import { busyCores, idleCores, isHostSaturated, otherWork } from "./host";

export { HOST_SATURATED, idleCores } from "./host";

const fmtRate = (r: number) => (r >= 100 ? `${Math.round(r)}` : r.toFixed(1));
const fmtMs = (ms: number) => (ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);
/** Cores to one decimal; small shares (a waiting stage's) to two, so they do not read as none. */
const cores = (n: number) => (n >= 0.1 || n < 0.005 ? n.toFixed(1) : n.toFixed(2));
const pct = (x: number) => `${Math.round(x * 100)} %`;

/** The batch the advice suggests: big enough to amortise a round trip, short enough to keep latency low. */
const SUGGESTED_BATCH = { size: 500, flushIntervalMs: 200 };
const batchYaml = (b: { size: number; flushIntervalMs: number }) => `batch: { size: ${b.size}, flush_interval_ms: ${b.flushIntervalMs} }`;

/** The rate a component's capacity is measured by: what a sink writes, what others take in. */
function throughput(c: ComponentWindow): number | null {
  return c.role === "sink" ? (c.outRate ?? c.inRate) : (c.inRate ?? c.outRate);
}

/**
 * Throughput one replica sustains when 100 % busy: observed rate ÷ busy fraction (per replica).
 * Undefined when the component is barely busy (the ratio would be noise).
 */
export function capacityPerReplica(c: ComponentWindow, busy: number | null = c.busy): number | undefined {
  const rate = throughput(c);
  const replicas = c.replicas ?? 1;
  if (rate == null || busy == null || busy < 0.2 || rate <= 0) return undefined;
  return rate / replicas / Math.min(1, busy);
}

/**
 * Estimates for 2× and 4× the current replicas. Each extra replica needs the cores one replica
 * uses at 100 % busy (measured; a core when CPU use is unknown): a waiting stage needs almost none,
 * a CPU-bound one about a core. When the host's idle cores cannot give a stage that computes what
 * its extra replicas need, the estimate counts only the replicas the idle cores can run. A waiting
 * stage is never capped that way: the scheduler grants its few milliseconds of CPU even on a busy
 * host (measured: 2 → 4 replicas of a DELAY_MS stage on a host kept saturated by other work gave
 * 94 % of the uncapped estimate).
 */
export function replicaEstimates(c: ComponentWindow, load: ComponentLoad, host?: HostWindow): Estimate[] {
  const per = capacityPerReplica(c, load.busy);
  if (per === undefined) return [];
  const r = c.replicas ?? 1;
  const idle = idleCores(host);
  // Unknown (no CPU data, or starved on a saturated host): assume a core per replica, as for CPU-bound.
  const each = load.bound === "unknown" ? 1 : (load.coresPerBusyReplica ?? 1);
  return [2 * r, 4 * r].map((n) => {
    const extraCores = (n - r) * each;
    const capped = load.bound !== "waiting" && idle !== undefined && idle < extraCores;
    const usable = capped ? r + (each > 0 ? idle / each : n - r) : n;
    // Cores busy with other work are shared with it, not idle: the new replicas win some of them,
    // how much depends on that work (measured: 1 → 2 replicas of a CPU-bound stage on a host kept
    // busy by other work gained 19 %, between the capped and the linear estimate).
    const shared = capped && host !== undefined && (otherWork(host) ?? 0) >= 0.1;
    const round = (x: number) => Math.round(x * 10) / 10;
    return { component: c.id, setting: "replicas", from: r, value: n, eventsPerSecond: round(per * usable), perReplica: round(per), extraCores: Math.round(extraCores * 100) / 100, cappedByHost: capped, upTo: shared ? round(per * n) : null };
  });
}

/** The `estimate:` recommendation line of an estimate. */
export function estimateLine(e: Estimate, load: ComponentLoad, host?: HostWindow): string {
  const basis = `${fmtRate(e.perReplica)} events/s per replica at 100 % busy`;
  if (e.cappedByHost) {
    const idle = `they need ~${cores(e.extraCores)} more cores and this host has ${cores(idleCores(host)!)} of ${host!.cpuCount} idle (${basis})`;
    if (e.upTo !== null) {
      return `estimate: with ${e.value} replicas between ${fmtRate(e.eventsPerSecond)} and ${fmtRate(e.upTo)} events/s — they need ~${cores(e.extraCores)} more cores, this host has ${cores(idleCores(host)!)} of ${host!.cpuCount} idle and ${cores(otherWork(host!)!)} busy with other work: how much of that the new replicas win cannot be told (${basis})`;
    }
    const noGain = e.eventsPerSecond <= e.perReplica * (e.from + 0.05);
    return noGain ? `estimate: with ${e.value} replicas no gain to expect on this host — ${idle}` : `estimate: with ${e.value} replicas ≈ ${fmtRate(e.eventsPerSecond)} events/s at most — ${idle}`;
  }
  const need = load.bound === "waiting" ? `; it waits rather than computes, so the extra replicas need only ~${cores(e.extraCores)} cores` : load.bound === "cpu" ? `; the extra replicas need ~${cores(e.extraCores)} cores` : "";
  return `estimate: with ${e.value} replicas ≈ ${fmtRate(e.eventsPerSecond)} events/s (${basis}${need}; upstream limits still apply)`;
}

/** The tuning guide's "set GC target" advice, for the runtime a component runs on. */
export function gcAdvice(id: string): string {
  return `cut ${id}'s garbage collection: fewer per-event allocations (reuse buffers, avoid decode/re-encode round-trips); or try a roomier young generation and compare its busy time per event and its p99 (a young generation larger than the old one's headroom can make V8 run full collections back to back) — Node: \`NODE_OPTIONS=--max-semi-space-size=32\` in its env; Go: \`GOGC=200\``;
}

/** What a sink that already batches should try next, from what its writes measure now. */
function batchApplied(c: ComponentWindow, batch: { size: number; flushIntervalMs: number }): string {
  const set = `\`${batchYaml(batch)}\``;
  const rate = throughput(c);
  const perWrite = rate && c.calls ? rate / c.calls : null;
  if (perWrite !== null && perWrite < 0.5 * batch.size && batch.flushIntervalMs < 1000) {
    return `${c.id} already batches (${set}) but its writes carry ~${Math.round(perWrite)} events, not ${batch.size}: the flush interval ends them first — raise \`batch.flush_interval_ms\` so writes fill up`;
  }
  const measured = perWrite !== null && c.callMs != null ? `: it writes ~${Math.round(perWrite)} events per write in ${fmtMs(c.callMs)}, ${fmtMs(c.callMs / perWrite)} per event` : "";
  const perEvent = perWrite !== null && c.callMs != null ? ` near ${fmtMs(c.callMs / perWrite)}` : "";
  return `${c.id} already batches (${set})${measured}. Next, try \`batch: { size: ${batch.size * 2}, flush_interval_ms: ${batch.flushIntervalMs} }\` and compare the time per event: if it falls, writes have a fixed cost worth spreading further; if it stays${perEvent}, ${c.id}'s target spends that time on every event — add replicas or write concurrently instead`;
}

/** What the host's saturation means for a component bottleneck (first advice when it applies). */
function saturatedHostAdvice(c: ComponentWindow, h: HostWindow): string {
  const other = otherWork(h);
  return `the host is saturated: ${busyCores(h)!.toFixed(1)} of its ${h.cpuCount} cores are busy, the pipeline's processes using ${(h.cpuUsedCores ?? 0).toFixed(1)}${other !== undefined ? ` (other work on the host: ${other.toFixed(1)})` : ""}, so more replicas on this machine cannot add throughput — cut ${c.id}'s CPU per event or give the pipeline more cores (a bigger machine, or spread replicas over several)`;
}

/** Recommendations and estimates for a component bottleneck, most effective first. */
export function componentRecommendations(
  c: ComponentWindow,
  load: ComponentLoad,
  opts: { processorChain: boolean; host?: HostWindow; gcHeavy?: boolean },
): { recommendations: string[]; estimates: Estimate[] } {
  const r = c.replicas ?? 1;
  const recs: string[] = [];
  const bound = load.bound;
  const cpuNote = c.cpu != null ? ` (${cores(c.cpu)} cores while busy ${pct(load.busy ?? 0)})` : "";
  if (c.role !== "sink" && bound !== "waiting" && isHostSaturated(opts.host)) recs.push(saturatedHostAdvice(c, opts.host!));
  if (c.role === "sink") {
    const batch = c.settings?.batch;
    recs.push(
      batch
        ? batchApplied(c, batch)
        : `batch writes in ${c.id}: set \`${batchYaml(SUGGESTED_BATCH)}\` on ${c.id} (its BATCH_SIZE/BATCH_FLUSH_INTERVAL_MS) so one write carries many events instead of one round trip per event`,
    );
    if (bound === "cpu") recs.push(`cut ${c.id}'s CPU per event${cpuNote}: serialization and per-event allocations; a sink busy computing needs cores, not bigger batches`);
    else recs.push(`make ${c.id} write concurrently: buffer events and keep several writes in flight, so a slow target does not hold up delivery${bound === "waiting" ? ` (it waits rather than computes, on ${cores(c.cpu!)} cores while busy ${pct(load.busy ?? 0)}: this needs no extra cores)` : ""}`);
    recs.push(
      `add replicas: \`replicas: ${r * 2}\` on ${c.id} (events are spread across replicas; \`partition_key\` keeps each key's events in order on one), or partition the target`,
      `use connection pooling in ${c.id} and check the target's write latency (indexes, fsync, network)`,
    );
  } else if (c.role === "processor") {
    if (bound === "waiting") {
      recs.push(
        `${c.id} waits rather than computes${cpuNote}: add concurrency — \`replicas: ${r * 2}\` on ${c.id} (the extra replicas need no extra cores), or more requests in flight inside ${c.id} (handle several events at once, batch its external calls)`,
        `cut the wait per event in ${c.id}: cache what it looks up, call a closer or faster service`,
      );
    } else if (bound === "cpu") {
      recs.push(
        `add replicas: \`replicas: ${r * 2}\` on ${c.id} to process partitions in parallel: it is CPU-bound${cpuNote}, so each replica needs about a core`,
        `minimise work in ${c.id}'s hot path: avoid per-event allocations, compile regexes/expressions once, batch external calls`,
      );
      if (!isHostSaturated(opts.host)) recs.push(`give ${c.id} a core of its own (and, with \`flowctl translate\`, \`resources.limits.cpu\`)`);
    } else {
      recs.push(
        `add replicas: \`replicas: ${r * 2}\` on ${c.id} to process in parallel — ${c.cpu == null ? `its CPU use is unknown (it exports no process_cpu_seconds_total)` : `whether it computes or waits cannot be told on a saturated host`}: if it computes, each replica needs about a core; if it waits, more requests in flight inside it help as much`,
        `minimise work in ${c.id}'s hot path: avoid per-event allocations, compile regexes/expressions once, batch external calls`,
      );
    }
    if (opts.processorChain) recs.push(`combine ${c.id} with its neighbouring processor(s) to cut serialization hops (docs/performance-tuning.md, "Reduce serialization hops")`);
  } else {
    recs.push(`batch data fetching in ${c.id} and use connection pooling`, `partition the source: \`replicas: ${r * 2}\` on ${c.id} (each replica gets its PARTITION_ID/PARTITION_COUNT)`);
  }
  if (opts.gcHeavy) recs.push(gcAdvice(c.id));
  const estimates = replicaEstimates(c, load, opts.host);
  return { recommendations: [...recs, ...estimates.map((e) => estimateLine(e, load, opts.host))], estimates };
}

/** Recommendations for an edge/transport bottleneck; `receiver` carries the receiving component's settings. */
export function edgeRecommendations(e: EdgeWindow, receiver: ComponentWindow | undefined): string[] {
  const batch = receiver?.settings?.batch;
  return [
    batch
      ? `${e.to} already uses the batched wire (\`${batchYaml(batch)}\`): raise \`batch.size\` on ${e.to} so each message carries more events`
      : `use the batched wire on ${e.from} → ${e.to}: set \`${batchYaml(SUGGESTED_BATCH)}\` on ${e.to} (batch/v1 amortises per-event gRPC cost)`,
    `raise the edge's queue capacity (\`queue.capacity\` on ${e.to}, currently ${e.queueCapacity ?? "?"}) to absorb bursts`,
    `combine hops: merge ${e.from} and ${e.to}'s logic where possible to cut serialization (docs/performance-tuning.md, "Reduce serialization hops")`,
    "reduce event size (payload bytes per event) to cut serialization and transport cost",
  ];
}

/** Recommendations for a host bottleneck: the machine's cores, not one stage, limit the pipeline. */
export function hostRecommendations(w: MetricWindow, h: HostWindow): string[] {
  const spenders = cpuSpenders(w)
    .slice(0, 4)
    .map(([id, n]) => `${id} ${cores(n)}`)
    .join(", ");
  const recs = [
    `give the pipeline more cores: a machine with more than ${h.cpuCount}, or its components spread over several machines — more replicas on this one cannot add throughput`,
    `cut CPU per event where it is spent${spenders ? ` (${spenders} cores)` : ""}: the engine relays most cheaply on the batched wire with large batches (\`batch: { size: 1000, flush_interval_ms: 50 }\` on the receivers)`,
  ];
  const other = otherWork(h);
  if (other !== undefined && other >= 0.3) recs.push(`other work on this host uses ${other.toFixed(1)} cores: move it, or the pipeline, elsewhere`);
  recs.push("if a source produces more than you need, limit it (EVENTS_PER_SECOND on a load-generator) to leave CPU for other work");
  return recs;
}

/** Cores used per process, biggest first: each component's own, and the engine's (the rest). */
export function cpuSpenders(w: MetricWindow): Array<[string, number]> {
  const known = w.components.filter((c) => c.cpu != null).map((c): [string, number] => [c.id, c.cpu!]);
  const total = w.host?.cpuUsedCores;
  const engine = total != null ? total - known.reduce((a, [, n]) => a + n, 0) : null;
  return [...known, ...(engine !== null && engine >= 0.05 ? [["engine", engine] as [string, number]] : [])].sort((a, b) => b[1] - a[1]);
}
