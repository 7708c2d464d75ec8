/**
 * Warnings motivated by the performance-tuning guide: hops that each serialize, very wide
 * fan-out, queues large enough to grow memory, and database sinks writing one event at a time.
 */
import { looksLikeDatabaseSink } from "../builtins";
import { describeComponent, isRecord, type RawComponent, type Rule } from "./rule-context";
import { componentDag } from "./graph.rules";

/** Longest run of simple processors in a row that is still fine; one more gets a warning. */
export const MAX_SIMPLE_CHAIN = 3;
/** Widest fan-out (direct consumers of one component) without a warning. */
export const MAX_FAN_OUT = 10;
/** Queue capacity above which memory growth under backpressure gets a warning. */
export const MAX_QUEUE_CAPACITY = 100_000;

/** Tuning-guide warnings: long chains, wide fan-out, huge queues, unbatched database sinks. */
export const tuningRules: Rule = (ctx) => {
  const { dag, byId } = componentDag(ctx);
  const isProcessor = (id: string) => byId.get(id)?.role === "processor";
  // A link p → q is "simple" when q's only input is p and p's only consumer is q.
  const linkedTo = (p: string): string | undefined => {
    const down = dag.downstream.get(p) ?? [];
    const next = down[0];
    return down.length === 1 && next !== undefined && isProcessor(next) && (dag.upstream.get(next) ?? []).length === 1 ? next : undefined;
  };
  const hasChainPredecessor = (q: string) => {
    const up = dag.upstream.get(q) ?? [];
    return up.length === 1 && isProcessor(up[0]!) && linkedTo(up[0]!) === q;
  };
  for (const start of dag.ids) {
    if (!isProcessor(start) || hasChainPredecessor(start)) continue;
    const chain = [start];
    for (let next = linkedTo(start); next !== undefined && !chain.includes(next); next = linkedTo(next)) chain.push(next);
    if (chain.length <= MAX_SIMPLE_CHAIN) continue;
    ctx.report({
      severity: "warning",
      code: "tuning.long-chain",
      message: `${chain.length} processors in a row (${chain.join(" → ")}): each hop serializes and deserializes every event; combine processors`,
      path: [...byId.get(start)!.path, "id"],
      fix: `merge the simple processors into one component (see docs/performance-tuning.md, "Reduce serialization hops")`,
    });
  }

  for (const [id, consumers] of dag.downstream) {
    if (consumers.length <= MAX_FAN_OUT) continue;
    ctx.report({
      severity: "warning",
      code: "tuning.wide-fan-out",
      message: `"${id}" fans out to ${consumers.length} consumers (more than ${MAX_FAN_OUT}); every event is copied to each, and the slowest one paces them all under block`,
      path: [...byId.get(id)!.path, "id"],
      fix: "group consumers behind fewer components, or use replicas with partition_key instead of copies",
    });
  }

  for (const c of ctx.components) {
    if (c.role === "pipeline") continue;
    checkQueue(ctx, c);
    if (c.role === "sink" && c.value.batch === undefined && isDatabaseSink(c)) {
      ctx.report({
        severity: "warning",
        code: "tuning.unbatched-database-sink",
        message: `${describeComponent(c)} looks like a database sink but has no batch: one write per event is the most common sink bottleneck`,
        path: c.id !== undefined ? [...c.path, "id"] : c.path,
        fix: "add batch: { size: 500, flush_interval_ms: 200 }",
      });
    }
  }
};

function isDatabaseSink(c: RawComponent): boolean {
  const { type, image } = c.value;
  return (typeof type === "string" && looksLikeDatabaseSink(type)) || (typeof image === "string" && looksLikeDatabaseSink(image.split("/").pop())) || looksLikeDatabaseSink(c.id);
}

function checkQueue(ctx: Parameters<Rule>[0], c: RawComponent): void {
  const capacity = isRecord(c.value.queue) ? c.value.queue.capacity : undefined;
  const envSize = isRecord(c.value.env) ? c.value.env.MAX_QUEUE_SIZE : undefined;
  const candidates: [unknown, (string | number)[]][] = [
    [capacity, [...c.path, "queue", "capacity"]],
    [typeof envSize === "string" && /^\d+$/.test(envSize.trim()) ? Number(envSize) : envSize, [...c.path, "env", "MAX_QUEUE_SIZE"]],
  ];
  for (const [value, path] of candidates) {
    if (typeof value !== "number" || value <= MAX_QUEUE_CAPACITY) continue;
    ctx.report({
      severity: "warning",
      code: "tuning.large-queue",
      message: `${describeComponent(c)} buffers up to ${value} events per input edge; under backpressure memory grows with it (payload size × ${value})`,
      path,
      fix: `keep the capacity at or below ${MAX_QUEUE_CAPACITY} (default 1000); a larger queue hides a slow consumer instead of fixing it`,
    });
  }
}
