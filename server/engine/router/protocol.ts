/**
 * Messages between the engine (main thread) and the router worker. Plain structured-clone data.
 * The worker owns every data-plane stream; the main thread owns processes, registration and the
 * run lifecycle, and tells the worker where instances are.
 */
import type { ComponentRole, QueuePolicy } from "../../core/spec/pipeline-spec.schema";

/** Which wire an instance speaks (from its registration metadata). */
export type Wire = "event" | "batch";

export interface RouterNodeSpec {
  id: string;
  role: ComponentRole;
  /** Instance ids (`<id>` or `<id>-<n>`). */
  instances: string[];
  /** Input queue of every edge into this node: events, and serialized bytes (`queue.max_bytes`). */
  capacity: number;
  /** @default no byte bound */
  maxBytes?: number;
  policy: QueuePolicy;
  partitionKey?: string;
  /** Events per batch sent to this node (batched wire). */
  batchSize: number;
  /**
   * Largest batch this node's instances produce on the batched wire (sources: their BATCH_SIZE;
   * the SDK default is 100). Producers are granted room in these units, so their out-edges never
   * go above capacity.
   */
  producerBatch?: number;
  /** Linger before a partial batch is sent. */
  lingerMs: number;
  /** Sources: StreamRequest.params. */
  params?: Record<string, string>;
  /**
   * Sinks: only events whose `type` is listed are offered (flowctl's per-sink filter); YAML
   * `input_event_types` here, else the types the sink registered with, else everything.
   */
  acceptTypes?: string[];
}

export interface RouterInit {
  type: "init";
  pipeline: string;
  nodes: RouterNodeSpec[];
  edges: { from: string; to: string }[];
  statsIntervalMs: number;
  debug: boolean;
}

export type HostToRouter =
  | RouterInit
  /** `credential`: bearer token for the instance's data-plane calls (its spawn's secret). */
  | { type: "instanceUp"; instanceId: string; endpoint: string; wire: Wire; inputEventTypes: string[]; credential?: string }
  | { type: "instanceDown"; instanceId: string; permanent: boolean }
  /** Open the source streams (after every instance registered). */
  | { type: "start" }
  /** Graceful stop: stop reading sources, drain queues downstream, close streams in order. */
  | { type: "drain" }
  /** Close every stream now (after the drain deadline). */
  | { type: "abort" };

export interface EdgeStats {
  from: string;
  to: string;
  depth: number;
  /** Highest depth since the run started. */
  peakDepth: number;
  /** Serialized bytes queued now, the most ever, and the bound (0 = none). */
  queuedBytes: number;
  peakBytes: number;
  maxBytes: number;
  capacity: number;
  events: number;
  bytes: number;
  blockedSeconds: number;
  dropped: number;
  /** The edge's account (docs/engine.md, "Every event counted"): produced = enqueued + rejected. */
  produced: number;
  delivered: number;
  rejected: number;
  lost: number;
  abandoned: number;
  /** Not offered (the sink's event-type filter); not part of `produced`. */
  filtered: number;
}

export interface NodeStats {
  id: string;
  eventsIn: number;
  eventsOut: number;
  bytesIn: number;
  bytesOut: number;
  errors: number;
  /** Events not offered because of the sink's event-type filter. */
  filtered: number;
  lost: number;
  redelivered: number;
  /** Events produced by this node too large for one data-plane message (never delivered). */
  rejected: number;
  /** Data-plane streams to this node's instances that failed (each one logged and a RunEvent). */
  streamErrors: number;
  /** Of those, failures caused by a malformed or truncated frame from the instance (it is restarted). */
  protocolErrors: number;
  /** Per instance: events delivered to it (acked). */
  instances: Record<string, { eventsIn: number; eventsOut: number; connected: boolean }>;
  ended: boolean;
}

export interface RouterStats {
  type: "stats";
  at: number;
  edges: EdgeStats[];
  nodes: NodeStats[];
  activeStreams: number;
  final: boolean;
}

export type RouterToHost =
  | RouterStats
  | { type: "ready" }
  | { type: "log"; level: "debug" | "info" | "warn" | "error"; msg: string; fields?: Record<string, unknown> }
  | { type: "nodeEnded"; id: string }
  /** Every source ended and every queue drained into the sinks (or the drain finished). */
  | { type: "completed"; drained: boolean }
  /**
   * A stream failed; `attempt` counts consecutive failures without progress (1 = first);
   * `protocol`: the instance sent a malformed frame (the engine restarts it per its restart_policy).
   */
  | { type: "linkDown"; instanceId: string; inflight: number; reason: string; attempt: number; protocol: boolean }
  /** An event too large for one data-plane message was produced by `instanceId` and rejected. */
  | { type: "rejected"; instanceId: string; bytes: number; reason: string }
  /** The data plane cannot continue (a component does not speak the expected service, or is unreachable). */
  | { type: "fatal"; reason: string };
