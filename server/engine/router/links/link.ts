/**
 * One data-plane stream between the router and one component instance, per wire and role.
 * Links move serialized events only (identity (de)serializers, lazy batch codec) and enforce
 * per-hop credits: a downstream link accepts work only while its in-flight window has room, an
 * upstream link stops reading (pause / withheld credits) while its node's output is blocked.
 * This file: the base classes, the host interface and the limits; one file per link kind.
 */
import * as grpc from "@grpc/grpc-js";
import { bearerMetadata } from "../../../wire/bearer";
import type { Wire } from "../protocol";
import type { HopTracer } from "../../../wire/hop-trace";

/** Channel options for data-plane clients (why each one: docs/engine.md, "Credits per hop"). */
export const DATA_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc-node.flow_control_window": 4 * 1024 * 1024,
  "grpc.max_receive_message_length": 64 * 1024 * 1024,
  "grpc.max_send_message_length": 64 * 1024 * 1024,
  // The retry buffer reports writes complete before HTTP/2 took them, hiding backpressure.
  "grpc.enable_retries": 0,
};

export const PATHS = {
  sourceEvents: "/flowctl.v1.SourceService/StreamEvents",
  processEvents: "/flowctl.v1.ProcessorService/Process",
  consumeEvents: "/flowctl.v1.ConsumerService/Consume",
  sourceBatches: "/flowctl.batch.v1.BatchSourceService/StreamBatches",
  processBatches: "/flowctl.batch.v1.BatchProcessorService/ProcessBatches",
  consumeBatches: "/flowctl.batch.v1.BatchConsumerService/ConsumeBatches",
} as const;

/** Batches (batched wire) a downstream instance may hold unacknowledged. */
export const MAX_INFLIGHT_BATCHES = 16;
/** Events (per-event wire) whose write has not completed yet. */
export const MAX_PENDING_WRITES = 256;
/**
 * Per-event processors: events sent and not yet answered by an output. Bounds what a crash can
 * lose on a wire without acknowledgements; a processor that filters (answers less) gets more room
 * after {@link UNRETURNED_STALL_MS} without any output, so it cannot deadlock.
 */
export const MAX_UNRETURNED = 512;
export const UNRETURNED_STALL_MS = 100;
/** Batches a batched source may send ahead. */
export const SOURCE_CREDITS = 16;

export type LinkState = "idle" | "up" | "down" | "closing" | "closed";

/** What a link reports to the router core. */
export interface LinkHost {
  /** Events produced by a source or processor instance. */
  output(link: Link, events: Buffer[]): void;
  /**
   * Events a downstream instance took: acknowledged (batched wire), or written to the stream (the
   * per-event wire; a sink's {@link confirmed} or a processor's outputs then settle the per-edge account).
   */
  delivered(link: Link, events: readonly Buffer[], bytes: number, failed: number, tookMs: number): void;
  /** A per-event sink confirmed these events (its ConsumeResponse). */
  confirmed(link: Link, events: readonly Buffer[]): void;
  /** The link's window has room again. */
  idle(link: Link): void;
  /**
   * The stream failed: `retry` are events to deliver again, `lost` events that cannot be.
   * `protocol`: the instance sent a malformed or truncated frame (a broken peer, not a broken stream).
   */
  down(link: Link, retry: Buffer[], lost: number, reason: string, protocol: boolean): void;
  /** The stream finished cleanly (source exhausted, or a close completed). */
  ended(link: Link): void;
  /** True while the node's output edges cannot take more (block policy). */
  outputBlocked(nodeId: string): boolean;
  /**
   * True when the node may be given room for `events` more output events (of up to `bytes`):
   * every `block` out-edge has that much free capacity and byte room beyond what is already
   * reserved for the node's producers (source credits, processor batches in flight), or nothing
   * is reserved and no out-edge holds events (so a batch larger than the bounds still moves,
   * alone). Keeps queue depth ≤ capacity and bytes ≤ max_bytes.
   */
  mayProduce(nodeId: string, events: number, bytes?: number): boolean;
  /** Output events the node may still be granted on its out-edges (for sizing a processor's next batch). */
  outputRoomEvents(nodeId: string): number;
  streamsDelta(delta: number): void;
  /** Hop timestamps of sampled events (FLOWCTL_TRACE_HOPS, the latency benchmark); usually undefined. */
  readonly trace?: HopTracer;
}

/** Base: one instance of one node, one endpoint, one stream at a time. */
export abstract class Link {
  state: LinkState = "idle";
  protected client: grpc.Client | undefined;
  /** Events acknowledged into / produced by this instance (monotonic). */
  eventsIn = 0;
  eventsOut = 0;
  /**
   * Bearer token sent on every stream: the instance secret of the current process (SDK components
   * refuse data-plane calls without it), or the run's token. Foreign components ignore it.
   */
  credential: string | undefined;

  constructor(
    readonly nodeId: string,
    readonly instanceId: string,
    readonly wire: Wire,
    protected endpoint: string,
    protected readonly host: LinkHost,
  ) {}

  /** Opens the stream (again) against `endpoint`. */
  connect(endpoint: string): void {
    this.endpoint = endpoint;
    this.dispose();
    this.client = new grpc.Client(endpoint, grpc.credentials.createInsecure(), DATA_CHANNEL_OPTIONS);
    this.state = "up";
    this.host.streamsDelta(1);
    this.open(this.client);
  }

  protected abstract open(client: grpc.Client): void;

  /** A new process of the instance registered (a restart): per-process state starts over. */
  newProcess(): void {}

  /** Call metadata of a new stream (the credential). */
  protected callMetadata(): grpc.Metadata {
    return bearerMetadata(this.credential);
  }
  /** Cancels the stream without reporting anything (stop / abort). */
  abstract cancel(): void;
  /** The instance went away (restart seen before the stream noticed): report in-flight work now. */
  abstract reset(reason: string): void;

  /** Set by {@link frameFailed} so the failure it causes is reported as a protocol error. */
  private protocolFailure = false;

  protected fail(retry: Buffer[], lost: number, reason: string): void {
    const protocol = this.protocolFailure;
    this.protocolFailure = false;
    if (this.state !== "up" && this.state !== "closing") return;
    this.state = "down";
    this.host.streamsDelta(-1);
    this.dispose();
    this.host.down(this, retry, lost, reason, protocol);
  }

  /**
   * A received frame could not be handled: a malformed or truncated one (the codec's `wire`
   * errors) fails this link only, as a protocol error; anything else is reported as a stream
   * failure naming the error. Never thrown out of a stream listener, where it would end the worker.
   */
  protected frameFailed(err: unknown): void {
    const wire = err instanceof Error && err.message.startsWith("wire: ");
    this.protocolFailure = wire;
    const what = err instanceof Error ? err.message.replace(/^wire: /, "") : String(err);
    this.reset(wire ? `malformed frame from ${this.instanceId}: ${what}` : `error handling a frame from ${this.instanceId}: ${what}`);
  }

  protected finish(): void {
    if (this.state === "closed" || this.state === "down") return;
    this.state = "closed";
    this.host.streamsDelta(-1);
    this.dispose();
    this.host.ended(this);
  }

  protected dispose(): void {
    this.client?.close();
    this.client = undefined;
  }
}

/** A producer of events: a source instance. */
export abstract class SourceLink extends Link {
  /** Called when the node's output has more room. */
  abstract resume(): void;
  /** Output events this instance may still send without asking (reserved on the out-edges). */
  get reserved(): number {
    return 0;
  }
  /** Bytes those may take (reserved against the out-edges' byte bound). */
  get reservedBytes(): number {
    return 0;
  }

  /**
   * Ends the link with its stream while `call` is still the current one: an error fails it (a
   * source has nothing in flight to deliver again), an OK status means the source is exhausted.
   */
  protected followEnd(call: grpc.ClientReadableStream<Buffer> | grpc.ClientDuplexStream<Buffer, Buffer>, isCurrent: () => boolean): void {
    call.on("error", (err) => {
      if (isCurrent()) this.fail([], 0, statusReason(err));
    });
    call.on("status", (s: grpc.StatusObject) => {
      if (s.code === grpc.status.OK && isCurrent()) this.finish();
    });
  }

  /** Cancels the (already detached) stream without reporting; a link that was up is closed. */
  protected cancelCall(call: grpc.Call | undefined): void {
    if (this.state === "up") {
      this.state = "closed";
      this.host.streamsDelta(-1);
    }
    call?.cancel();
    this.dispose();
  }
}

/** A consumer of events: a processor or sink instance. */
export abstract class DownLink extends Link {
  /** True when `send` may be called now. */
  abstract canSend(): boolean;
  abstract send(events: Buffer[]): void;
  /** Work sent and not yet acknowledged. */
  abstract get inflight(): number;
  /** The events in flight that are not counted delivered yet (the run ends: they are abandoned). */
  abstract undelivered(): Buffer[];
  /** Ends the write side; `ended` fires when the component finished. */
  abstract close(): void;
  /** Processors: called when output edges have room again. */
  abstract resume(): void;
  /** Most events the next `send` should carry (a processor's outputs must fit the room left). */
  sendLimit(): number {
    return Number.POSITIVE_INFINITY;
  }

  /**
   * Starts closing: true when the link was up and is `closing` now (the caller ends its write
   * side). A link with no stream (idle, down) is closed at once; closing or closed stays as it is.
   */
  protected beginClose(): boolean {
    if (this.state !== "up") {
      if (this.state === "idle" || this.state === "down") this.state = "closed";
      return false;
    }
    this.state = "closing";
    return true;
  }

  /** Cancels the (already detached) streams without reporting; the link is closed whatever its state. */
  protected cancelCalls(calls: readonly (grpc.Call | undefined)[]): void {
    if (this.state === "up" || this.state === "closing") this.host.streamsDelta(-1);
    this.state = "closed";
    for (const c of calls) c?.cancel();
    this.dispose();
  }
}

/** `CODE: details` of a gRPC error, for logs and RunEvents. */
export function statusReason(err: unknown): string {
  if (err && typeof err === "object" && "details" in err) {
    const e = err as grpc.ServiceError;
    return `${grpc.status[e.code] ?? e.code}: ${e.details}`;
  }
  return String(err);
}

