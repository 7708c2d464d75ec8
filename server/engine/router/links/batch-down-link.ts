/** Processor or sink on the batched wire: EventBatch out, ProcessedBatch / BatchAck back, in order. */
import * as grpc from "@grpc/grpc-js";
import {
  assertEvents,
  identityDeserialize,
  identitySerialize,
  readBatchAck,
  readProcessedBatch,
  writeEventBatch,
} from "../../../wire/relay-codec";
import { DownLink, MAX_INFLIGHT_BATCHES, PATHS, statusReason, type LinkHost } from "./link";

/** Cap of the output ratio a processor is reserved for (beyond it, reading outputs pauses instead). */
const MAX_OUTPUT_RATIO = 1000;

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
  /** Processors: reading outputs is paused because an out-edge is full (resumed by `resume`). */
  private outputPaused = false;
  /**
   * Processors: the most outputs per input seen in one answer (≥ 1). Batches in flight reserve
   * `inflight × outputRatio` on the out-edges, and the next batch is sized to the room left, so a
   * processor that emits several events per input cannot overrun its out-edges.
   */
  outputRatio = 1;
  /** `batchMax`: events per batch sent to this node (a processor's outputs are reserved 1:1). */
  constructor(
    nodeId: string,
    instanceId: string,
    endpoint: string,
    host: LinkHost,
    private readonly role: "processor" | "sink",
    private readonly batchMax: number,
  ) {
    super(nodeId, instanceId, "batch", endpoint, host);
  }
  protected open(client: grpc.Client): void {
    const path = this.role === "processor" ? PATHS.processBatches : PATHS.consumeBatches;
    const call = client.makeBidiStreamRequest(path, identitySerialize, identityDeserialize, this.callMetadata());
    this.call = call;
    this.unacked = [];
    this.outputPaused = false;
    call.on("data", (msg: Buffer) => {
      if (this.call !== call) return;
      try {
        this.onFrame(msg);
      } catch (err) {
        if (this.call === call) this.frameFailed(err);
      }
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
  /** One ProcessedBatch / BatchAck: checked whole before anything is acknowledged or forwarded. */
  private onFrame(msg: Buffer): void {
    if (this.role === "processor") {
      const out = readProcessedBatch(msg);
      assertEvents(out.events);
      const u = this.ack(out.sequence);
      if (!u) return;
      if (u.events.length > 0) this.outputRatio = Math.min(MAX_OUTPUT_RATIO, Math.max(this.outputRatio, out.events.length / u.events.length));
      this.eventsIn += u.events.length;
      this.host.delivered(this, u.events, u.bytes, out.failed, performance.now() - u.sentAt);
      if (out.events.length > 0) {
        this.host.trace?.encoded("router.in", this.nodeId, out.events);
        this.eventsOut += out.events.length;
        this.host.output(this, out.events);
      }
      // An out-edge is full: leave further answers in the stream's window until there is room.
      if (!this.outputPaused && this.host.outputBlocked(this.nodeId)) {
        this.outputPaused = true;
        this.call?.pause();
      }
    } else {
      const ack = readBatchAck(msg);
      const u = this.ack(ack.sequence);
      if (!u) return;
      this.eventsIn += u.events.length;
      this.host.delivered(this, u.events, u.bytes, ack.failed, performance.now() - u.sentAt);
    }
    this.host.idle(this);
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
      !this.outputPaused &&
      this.unacked.length < MAX_INFLIGHT_BATCHES &&
      // A processor's unanswered inputs are reserved on its out-edges (× its output ratio): a
      // batch goes out only if the outputs of at least one input fit under the bounds.
      !(this.role === "processor" && !this.host.mayProduce(this.nodeId, Math.ceil(this.outputRatio)))
    );
  }
  /** Processors: the inputs whose outputs fit in the room left (at least 1); sinks: no limit. */
  override sendLimit(): number {
    if (this.role !== "processor") return this.batchMax;
    return Math.max(1, Math.min(this.batchMax, Math.floor(this.host.outputRoomEvents(this.nodeId) / this.outputRatio)));
  }
  send(events: Buffer[]): void {
    const sequence = ++this.sequence;
    let bytes = 0;
    for (const e of events) bytes += e.length;
    this.unacked.push({ sequence, events, bytes, sentAt: performance.now() });
    this.call!.write(writeEventBatch(events, sequence));
    this.host.trace?.encoded("router.out", this.nodeId, events);
  }
  get inflight(): number {
    let n = 0;
    for (const u of this.unacked) n += u.events.length;
    return n;
  }
  undelivered(): Buffer[] {
    return this.unacked.flatMap((u) => u.events);
  }
  close(): void {
    if (this.beginClose()) this.call?.end();
  }
  resume(): void {
    if (this.outputPaused && this.call && !this.host.outputBlocked(this.nodeId)) {
      this.outputPaused = false;
      this.call.resume();
    }
    if (this.canSend()) this.host.idle(this);
  }
  cancel(): void {
    const call = this.call;
    this.call = undefined;
    this.cancelCalls([call]);
  }
}

