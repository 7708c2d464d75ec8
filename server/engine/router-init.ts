/** The router worker's topology message for a pipeline: nodes (instances, queues, batching) and edges. */
import type { CompiledPipeline } from "../core/spec/compile";
import type { Edge } from "../core/graph/dag";
import type { RouterInit } from "./router/protocol";
import { sourceParams } from "./source-params";

export interface RouterTuning {
  lingerMs?: number;
  statsIntervalMs?: number;
  debug: boolean;
}

/** The batch size a component produces with (the BATCH_SIZE it is given, else the SDK default 100). */
export function producerBatchSize(envValue: string | undefined, batchSize: number | undefined): number {
  const fromEnv = envValue !== undefined ? Number(envValue) : NaN;
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return batchSize ?? 100;
}

export function buildRouterInit(pipeline: CompiledPipeline, edges: readonly Edge[], tuning: RouterTuning): RouterInit {
  return {
    type: "init",
    pipeline: pipeline.name,
    nodes: pipeline.components.map((c) => ({
      id: c.id,
      role: c.role,
      instances: c.replicas > 1 ? Array.from({ length: c.replicas }, (_, i) => `${c.id}-${i}`) : [c.id],
      capacity: c.queue.capacity,
      maxBytes: c.queue.maxBytes,
      policy: c.queue.policy,
      ...(c.partitionKey ? { partitionKey: c.partitionKey } : {}),
      batchSize: Math.min(c.batch?.size ?? 100, Math.max(1, c.queue.capacity)),
      producerBatch: producerBatchSize(c.env.BATCH_SIZE, c.batch?.size),
      lingerMs: tuning.lingerMs ?? 1,
      ...(c.role === "source" ? { params: sourceParams(c) } : {}),
      ...(c.role === "sink" && c.inputEventTypes.length > 0 ? { acceptTypes: c.inputEventTypes } : {}),
    })),
    edges: edges.map((e) => ({ from: e.from, to: e.to })),
    statsIntervalMs: tuning.statsIntervalMs ?? 250,
    debug: tuning.debug,
  };
}
