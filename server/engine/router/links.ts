/**
 * One data-plane stream between the router and one component instance, per wire and role.
 * Links move serialized events only (identity (de)serializers, lazy batch codec) and enforce
 * per-hop credits: a downstream link accepts work only while its in-flight window has room, an
 * upstream link stops reading (pause / withheld credits) while its node's output is blocked.
 */
import * as grpc from "@grpc/grpc-js";
import {
  identityDeserialize,
  identitySerialize,
  readBatchAck,
  readConsumeResponse,
  readEventBatch,
  readProcessedBatch,
  writeEventBatch,
  writeSourceControl,
  writeStreamRequest,
} from "../../wire/relay-codec";
import type { Wire } from "./protocol";

/** Channel options for data-plane clients (see /work/shared/reference/grpc-node-limits.md). */
export const DATA_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc-node.flow_control_window": 4 * 1024 * 1024,
  "grpc.max_receive_message_length": 64 * 1024 * 1024,
  "grpc.max_send_message_length": 64 * 1024 * 1024,
  // The retry buffer reports writes complete before HTTP/2 took them, hiding backpressure.
  "grpc.enable_retries": 0,
};

const PATHS = {
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
  /** Events acknowledged by a downstream instance (consumed or processed). */
  delivered(link: Link, events: readonly Buffer[], bytes: number, failed: number, tookMs: number): void;
  /** The link's window has room again. */
  idle(link: Link): void;
  /** The stream failed: `retry` are events to deliver again, `lost` events that cannot be. */
  down(link: Link, retry: Buffer[], lost: number, reason: string): void;
  /** The stream finished cleanly (source exhausted, or a close completed). */
  ended(link: Link): void;
  /** True while the node's output edges cannot take more (block policy). */
  outputBlocked(nodeId: string): boolean;
  streamsDelta(delta: number): void;
}

/** Base: one instance of one node, one endpoint, one stream at a time. */
export abstract class Link {
  state: LinkState = "idle";
  protected client: grpc.Client | undefined;
  /** Events acknowledged into / produced by this instance (monotonic). */
  eventsIn = 0;
  eventsOut = 0;

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
  /** Cancels the stream without reporting anything (stop / abort). */
  abstract cancel(): void;
  /** The instance went away (restart seen before the stream noticed): report in-flight work now. */
  abstract reset(reason: string): void;

  protected fail(retry: Buffer[], lost: number, reason: string): void {
    if (this.state !== "up" && this.state !== "closing") return;
    this.state = "down";
    this.host.streamsDelta(-1);
    this.dispose();
    this.host.down(this, retry, lost, reason);
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
  /** Called when the node's output is no longer blocked. */
  abstract resume(): void;
}

/** A consumer of events: a processor or sink instance. */
export abstract class DownLink extends Link {
  /** True when `send` may be called now. */
  abstract canSend(): boolean;
  abstract send(events: Buffer[]): void;
  /** Work sent and not yet acknowledged. */
  abstract get inflight(): number;
  /** Ends the write side; `ended` fires when the component finished. */
  abstract close(): void;
  /** Processors: called when output edges have room again. */
  abstract resume(): void;
}

function statusReason(err: unknown): string {
  if (err && typeof err === "object" && "details" in err) {
    const e = err as grpc.ServiceError;
    return `${grpc.status[e.code] ?? e.code}: ${e.details}`;
  }
  return String(err);
}

export class EventSourceLink extends SourceLink {
  private call: grpc.ClientReadableStream<Buffer> | undefined;
  private paused = false;
  constructor(nodeId: string, instanceId: string, endpoint: string, host: LinkHost, private readonly params: Record<string, string>) {
    super(nodeId, instanceId, "event", endpoint, host);
  }
  protected open(client: grpc.Client): void {
    const call = client.makeServerStreamRequest(PATHS.sourceEvents, identitySerialize, identityDeserialize, writeStreamRequest(this.params));
    this.call = call;
    this.paused = false;
    call.on("data", (ev: Buffer) => {
      this.eventsOut++;
      this.host.output(this, [ev]);
      if (!this.paused && this.host.outputBlocked(this.nodeId)) {
        this.paused = true;
        call.pause();
      }
    });
    call.on("error", (err) => {
      if (this.call === call) this.fail([], 0, statusReason(err));
    });
    call.on("status", (s: grpc.StatusObject) => {
      if (s.code === grpc.status.OK && this.call === call) this.finish();
    });
  }
  reset(reason: string): void {
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.fail([], 0, reason);
  }
  resume(): void {
    if (this.paused && this.call && !this.host.outputBlocked(this.nodeId)) {
      this.paused = false;
      this.call.resume();
    }
  }
  cancel(): void {
    const call = this.call;
    this.call = undefined;
    if (this.state === "up") {
      this.state = "closed";
      this.host.streamsDelta(-1);
    }
    call?.cancel();
    this.dispose();
  }
}

export class BatchSourceLink extends SourceLink {
  private call: grpc.ClientDuplexStream<Buffer, Buffer> | undefined;
  private owed = 0;
  constructor(nodeId: string, instanceId: string, endpoint: string, host: LinkHost, private readonly params: Record<string, string>) {
    super(nodeId, instanceId, "batch", endpoint, host);
  }
  protected open(client: grpc.Client): void {
    const call = client.makeBidiStreamRequest(PATHS.sourceBatches, identitySerialize, identityDeserialize);
    this.call = call;
    this.owed = 0;
    call.write(writeSourceControl(SOURCE_CREDITS, this.params));
    call.on("data", (msg: Buffer) => {
      const batch = readEventBatch(msg);
      this.eventsOut += batch.events.length;
      if (batch.events.length > 0) this.host.output(this, batch.events);
      // One credit back per batch received, unless our output is blocked: then we owe it.
      if (this.host.outputBlocked(this.nodeId)) this.owed++;
      else call.write(writeSourceControl(1));
    });
    call.on("error", (err) => {
      if (this.call === call) this.fail([], 0, statusReason(err));
    });
    call.on("status", (s: grpc.StatusObject) => {
      if (s.code === grpc.status.OK && this.call === call) this.finish();
    });
  }
  reset(reason: string): void {
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.fail([], 0, reason);
  }
  resume(): void {
    if (this.owed > 0 && this.call && this.state === "up" && !this.host.outputBlocked(this.nodeId)) {
      this.call.write(writeSourceControl(this.owed));
      this.owed = 0;
    }
  }
  cancel(): void {
    const call = this.call;
    this.call = undefined;
    if (this.state === "up") {
      this.state = "closed";
      this.host.streamsDelta(-1);
    }
    call?.cancel();
    this.dispose();
  }
}

interface Unacked {
  sequence: number;
  events: Buffer[];
  bytes: number;
  sentAt: number;
}

/** Processor or sink on the batched wire: EventBatch out, ProcessedBatch / BatchAck back, in order. */
export class BatchDownLink extends DownLink {
  private call: grpc.ClientDuplexStream<Buffer, Buffer> | undefined;
  private unacked: Unacked[] = [];
  private sequence = 0;
  constructor(nodeId: string, instanceId: string, endpoint: string, host: LinkHost, private readonly role: "processor" | "sink") {
    super(nodeId, instanceId, "batch", endpoint, host);
  }
  protected open(client: grpc.Client): void {
    const path = this.role === "processor" ? PATHS.processBatches : PATHS.consumeBatches;
    const call = client.makeBidiStreamRequest(path, identitySerialize, identityDeserialize);
    this.call = call;
    this.unacked = [];
    call.on("data", (msg: Buffer) => {
      if (this.call !== call) return;
      if (this.role === "processor") {
        const out = readProcessedBatch(msg);
        const u = this.ack(out.sequence);
        if (!u) return;
        this.eventsIn += u.events.length;
        this.host.delivered(this, u.events, u.bytes, out.failed, performance.now() - u.sentAt);
        if (out.events.length > 0) {
          this.eventsOut += out.events.length;
          this.host.output(this, out.events);
        }
      } else {
        const ack = readBatchAck(msg);
        const u = this.ack(ack.sequence);
        if (!u) return;
        this.eventsIn += u.events.length;
        this.host.delivered(this, u.events, u.bytes, ack.failed, performance.now() - u.sentAt);
      }
      this.host.idle(this);
    });
    call.on("error", (err) => {
      if (this.call === call) this.crash(statusReason(err));
    });
    call.on("status", (s: grpc.StatusObject) => {
      if (this.call !== call || s.code !== grpc.status.OK) return;
      if (this.unacked.length > 0) this.crash(`stream ended with ${this.unacked.length} batches unacknowledged`);
      else this.finish();
    });
  }
  /** Acks are in order; a sequence acknowledges every earlier batch too. */
  private ack(sequence: number): Unacked | undefined {
    let last: Unacked | undefined;
    const merged: Unacked = { sequence, events: [], bytes: 0, sentAt: this.unacked[0]?.sentAt ?? performance.now() };
    while (this.unacked.length > 0 && this.unacked[0]!.sequence <= sequence) {
      last = this.unacked.shift()!;
      if (merged.events.length === 0) merged.events = last.events;
      else merged.events = merged.events.concat(last.events);
      merged.bytes += last.bytes;
    }
    return last ? merged : undefined;
  }
  reset(reason: string): void {
    const call = this.call;
    this.crash(reason);
    call?.cancel();
  }
  private crash(reason: string): void {
    const retry: Buffer[] = [];
    for (const u of this.unacked) for (const e of u.events) retry.push(e);
    this.unacked = [];
    this.call = undefined;
    this.fail(retry, 0, reason);
  }
  canSend(): boolean {
    return (
      this.state === "up" &&
      this.unacked.length < MAX_INFLIGHT_BATCHES &&
      !(this.role === "processor" && this.host.outputBlocked(this.nodeId))
    );
  }
  send(events: Buffer[]): void {
    const sequence = ++this.sequence;
    let bytes = 0;
    for (const e of events) bytes += e.length;
    this.unacked.push({ sequence, events, bytes, sentAt: performance.now() });
    this.call!.write(writeEventBatch(events, sequence));
  }
  get inflight(): number {
    let n = 0;
    for (const u of this.unacked) n += u.events.length;
    return n;
  }
  close(): void {
    if (this.state !== "up") {
      if (this.state === "idle" || this.state === "down") this.state = "closed";
      return;
    }
    this.state = "closing";
    this.call?.end();
  }
  resume(): void {
    if (this.canSend()) this.host.idle(this);
  }
  cancel(): void {
    const call = this.call;
    this.call = undefined;
    if (this.state === "up" || this.state === "closing") this.host.streamsDelta(-1);
    this.state = "closed";
    call?.cancel();
    this.dispose();
  }
}

/**
 * Processor or sink on the per-event wire (foreign components). Credits are counted by write
 * callbacks (HTTP/2 accepted the bytes). There are no acknowledgements on this wire: a sink
 * confirms only with its final ConsumeResponse, and a processor's outputs are not correlated with
 * its inputs, so at a crash the events whose write never completed are delivered again and, for
 * processors, `written − outputs` (1:1 assumption, floored at 0) are counted lost.
 */
export class EventDownLink extends DownLink {
  private call: grpc.ClientDuplexStream<Buffer, Buffer> | grpc.ClientWritableStream<Buffer> | undefined;
  private pending: Buffer[] = [];
  private pendingHead = 0;
  private written = 0;
  private received = 0;
  private sent = 0;
  private slack = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private outputPaused = false;
  constructor(nodeId: string, instanceId: string, endpoint: string, host: LinkHost, private readonly role: "processor" | "sink") {
    super(nodeId, instanceId, "event", endpoint, host);
  }
  protected open(client: grpc.Client): void {
    this.pending = [];
    this.pendingHead = 0;
    this.written = 0;
    this.received = 0;
    this.sent = 0;
    this.slack = 0;
    this.outputPaused = false;
    if (this.role === "processor") {
      const call = client.makeBidiStreamRequest(PATHS.processEvents, identitySerialize, identityDeserialize);
      this.call = call;
      call.on("data", (ev: Buffer) => {
        if (this.call !== call) return;
        this.received++;
        this.eventsOut++;
        this.host.output(this, [ev]);
        if (this.sent - this.received - this.slack === MAX_UNRETURNED / 2) this.host.idle(this);
        if (!this.outputPaused && this.host.outputBlocked(this.nodeId)) {
          this.outputPaused = true;
          call.pause();
        }
      });
      call.on("error", (err) => {
        if (this.call === call) this.crash(statusReason(err));
      });
      call.on("status", (s: grpc.StatusObject) => {
        if (this.call === call && s.code === grpc.status.OK) this.finish();
      });
    } else {
      const call = client.makeClientStreamRequest(PATHS.consumeEvents, identitySerialize, identityDeserialize, (err, resp) => {
        if (this.call !== call) return;
        if (err) return this.crash(statusReason(err));
        const r = readConsumeResponse(resp ?? Buffer.alloc(0));
        if (r.failed > 0) this.host.delivered(this, [], 0, r.failed, 0);
        this.finish();
      });
      this.call = call;
    }
  }
  reset(reason: string): void {
    const call = this.call;
    this.crash(reason);
    call?.cancel();
  }
  private crash(reason: string): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const retry = this.pending.slice(this.pendingHead);
    const lost = this.role === "processor" ? Math.max(0, this.written - this.received) : 0;
    this.pending = [];
    this.pendingHead = 0;
    this.call = undefined;
    this.fail(retry, lost, reason);
  }
  canSend(): boolean {
    if (this.state !== "up" || this.pending.length - this.pendingHead >= MAX_PENDING_WRITES) return false;
    if (this.role !== "processor") return true;
    if (this.host.outputBlocked(this.nodeId)) return false;
    if (this.sent - this.received - this.slack < MAX_UNRETURNED) return true;
    this.watchStall();
    return false;
  }
  /** No output for a while with the window full: the processor filters; widen its window. */
  private watchStall(): void {
    if (this.stallTimer) return;
    const seen = this.received;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (this.state !== "up") return;
      if (this.received === seen) this.slack += MAX_UNRETURNED / 2;
      this.host.idle(this);
    }, UNRETURNED_STALL_MS);
  }
  send(events: Buffer[]): void {
    const call = this.call!;
    this.sent += events.length;
    for (const ev of events) {
      this.pending.push(ev);
      call.write(ev, () => this.onWritten(call));
    }
  }
  private onWritten(call: unknown): void {
    if (this.call !== call) return;
    const ev = this.pending[this.pendingHead]!;
    this.pending[this.pendingHead++] = undefined as unknown as Buffer;
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    this.written++;
    this.eventsIn++;
    this.host.delivered(this, [ev], ev.length, 0, 0);
    if (this.pending.length - this.pendingHead <= MAX_PENDING_WRITES / 2) this.host.idle(this);
  }
  get inflight(): number {
    return this.pending.length - this.pendingHead;
  }
  close(): void {
    if (this.state !== "up") {
      if (this.state === "idle" || this.state === "down") this.state = "closed";
      return;
    }
    this.state = "closing";
    this.call?.end();
  }
  resume(): void {
    if (this.outputPaused && this.call && !this.host.outputBlocked(this.nodeId)) {
      this.outputPaused = false;
      (this.call as grpc.ClientDuplexStream<Buffer, Buffer>).resume();
    }
    if (this.canSend()) this.host.idle(this);
  }
  cancel(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const call = this.call;
    this.call = undefined;
    if (this.state === "up" || this.state === "closing") this.host.streamsDelta(-1);
    this.state = "closed";
    call?.cancel();
    this.dispose();
  }
}
