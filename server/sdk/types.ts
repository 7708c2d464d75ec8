/** Public types of the component SDK: events, the context handed to user code, definitions. */
import type { Logger } from "../core/logger";
import type { WireEvent, WireTimestamp } from "../wire/event-codec";

/** A `flowctl.v1.Event` (camelCase fields; `payload` is bytes). */
export type FlowEvent = WireEvent;
/** `google.protobuf.Timestamp` as carried by events. */
export type FlowTimestamp = WireTimestamp;

/** Custom metrics; each lands in the component's Prometheus registry labelled `component_id`. */
export interface UserMetrics {
  /** A counter named `name` (register once, reuse the returned object). */
  counter(name: string, help: string): { inc(value?: number): void };
  gauge(name: string, help: string): { set(value: number): void; inc(value?: number): void; dec(value?: number): void };
  /** Buckets in the metric's unit; @default 50 µs … 10 s (seconds). */
  histogram(name: string, help: string, buckets?: number[]): { observe(value: number): void };
}

/** What user code receives. */
export interface ComponentContext {
  /** FLOWCTL_COMPONENT_ID (the YAML id, or `id-N` for replicas). */
  readonly componentId: string;
  /** Aborted when the component starts shutting down: stop producing, finish what is in hand. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly metrics: UserMetrics;
  /** PARTITION_ID / PARTITION_COUNT for replicas. */
  readonly partition: { id: number; count: number } | undefined;
  /** Waits `ms` (counted as idle time, not busy); resolves early when `signal` aborts. */
  sleep(ms: number): Promise<void>;
  /** Wall-clock milliseconds (fake in the test harness). */
  now(): number;
}

/** What a processor returns for one event. */
export type ProcessResult = FlowEvent | FlowEvent[] | null | undefined;

interface DefinitionBase {
  /** Component name (registration, logs, default id prefix). */
  name: string;
  description?: string;
  /** @default "1.0.0" */
  version?: string;
  /** Runs once before the gRPC server accepts calls (open pools, files). */
  setup?(ctx: ComponentContext): Promise<void> | void;
  /** Runs once after draining (close pools, files). */
  teardown?(ctx: ComponentContext): Promise<void> | void;
}

/** What a source yields: one event or several at once. */
export type SourceOutput = FlowEvent | FlowEvent[];

/** Parameters of the stream request (`StreamRequest.params`, e.g. start_ledger). */
export interface SourceRequest {
  params: Record<string, string>;
  resume: boolean;
  resumeToken: string;
}

/** A source: produces the stream the engine pulls. */
export interface SourceDefinition extends DefinitionBase {
  readonly role: "source";
  outputEventTypes?: string[];
  /**
   * Produces the stream: an async generator yielding events or arrays of events, or a function
   * returning the next batch per call (`null` = done). Ending ends the stream, so runs complete.
   */
  produce(ctx: ComponentContext, request: SourceRequest): AsyncIterable<SourceOutput> | Promise<FlowEvent[] | null | undefined>;
}

/** A processor: 0..n events out per event in. */
export interface ProcessorDefinition extends DefinitionBase {
  readonly role: "processor";
  inputEventTypes?: string[];
  outputEventTypes?: string[];
  /** Handles one event: return 0..n events. Called one event at a time, in order. */
  process?(event: FlowEvent, ctx: ComponentContext): ProcessResult | Promise<ProcessResult>;
  /** Handles a whole batch at once (preferred when present); outputs in order. */
  processBatch?(events: FlowEvent[], ctx: ComponentContext): FlowEvent[] | Promise<FlowEvent[]>;
  /**
   * Decode events only as their fields are read (batched wire). An event returned unchanged, its
   * payload never read, is forwarded as its original bytes; a sink reading only timestamps decodes
   * nothing else. The events are then not plain objects: spreading one copies nothing (use
   * withEvent), and metadata and timestamp are read-only. @default false
   */
  lazyDecode?: boolean;
}

/** Sink batching: flush when `size` events are buffered or `flushIntervalMs` after the first. */
export interface SinkBatchOptions {
  /** @default 100 */
  size: number;
  /** 0 = no linger: flush what arrived during the current event-loop turn. @default 100 */
  flushIntervalMs: number;
}

/** A sink: writes batches; acknowledges after the write. */
export interface SinkDefinition extends DefinitionBase {
  readonly role: "sink";
  inputEventTypes?: string[];
  /** Overridden by BATCH_SIZE / BATCH_FLUSH_INTERVAL_MS. */
  batch?: Partial<SinkBatchOptions>;
  /** Writes one batch; events are acknowledged only after the returned promise resolves. */
  consume(batch: FlowEvent[], ctx: ComponentContext): Promise<void> | void;
  /**
   * Decode events only as their fields are read (batched wire). An event returned unchanged, its
   * payload never read, is forwarded as its original bytes; a sink reading only timestamps decodes
   * nothing else. The events are then not plain objects: spreading one copies nothing (use
   * withEvent), and metadata and timestamp are read-only. @default false
   */
  lazyDecode?: boolean;
}

/** Any component definition. */
export type ComponentDefinition = SourceDefinition | ProcessorDefinition | SinkDefinition;
/** source | processor | sink. */
export type ComponentRole = ComponentDefinition["role"];
