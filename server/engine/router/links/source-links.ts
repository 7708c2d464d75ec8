/** Producers: source instances on the per-event wire (server stream) and the batched wire (credits). */
import * as grpc from "@grpc/grpc-js";
import {
  assertEvents,
  BATCH_MAX_BYTES,
  identityDeserialize,
  identitySerialize,
  readEventBatch,
  writeSourceControl,
  writeStreamRequest,
} from "../../../wire/relay-codec";
import { PATHS, SOURCE_CREDITS, SourceLink, type LinkHost } from "./link";

export class EventSourceLink extends SourceLink {
  private call: grpc.ClientReadableStream<Buffer> | undefined;
  private paused = false;
  constructor(nodeId: string, instanceId: string, endpoint: string, host: LinkHost, private readonly params: Record<string, string>) {
    super(nodeId, instanceId, "event", endpoint, host);
  }
  protected open(client: grpc.Client): void {
    const call = client.makeServerStreamRequest(PATHS.sourceEvents, identitySerialize, identityDeserialize, writeStreamRequest(this.params), this.callMetadata());
    this.call = call;
    this.paused = false;
    call.on("data", (ev: Buffer) => {
      try {
        assertEvents([ev]);
        this.eventsOut++;
        this.host.output(this, [ev]);
        if (!this.paused && this.host.outputBlocked(this.nodeId)) {
          this.paused = true;
          call.pause();
        }
      } catch (err) {
        if (this.call === call) this.frameFailed(err);
      }
    });
    this.followEnd(call, () => this.call === call);
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
    this.cancelCall(call);
  }
}

/**
 * Batched source: credits are granted only for room that exists.

 * Batch sequences are per source process; every SourceControl tells the source the highest one
 * received, so after a broken stream it re-sends what was in transit, and a batch already received
 * (its acknowledgement was lost with the stream) is dropped here instead of counted twice. Each outstanding credit reserves
 * `batchMax` events on the node's out-edges, and a credit is granted only when every out-edge can
 * take that on top of what is queued and reserved — so a queue never goes above its capacity
 * (at most SOURCE_CREDITS outstanding; a source that sends batches larger than its BATCH_SIZE
 * breaks that promise, and its excess still lands in the queue rather than being dropped).
 */
export class BatchSourceLink extends SourceLink {
  private call: grpc.ClientDuplexStream<Buffer, Buffer> | undefined;
  /** Credits granted and not yet spent by a batch. */
  private outstanding = 0;
  /** Highest batch sequence received from the current process (over all its streams). */
  private received = 0;
  constructor(
    nodeId: string,
    instanceId: string,
    endpoint: string,
    host: LinkHost,
    private readonly params: Record<string, string>,
    private readonly batchMax: number,
  ) {
    super(nodeId, instanceId, "batch", endpoint, host);
  }
  override newProcess(): void {
    this.received = 0;
  }
  override get reserved(): number {
    // A stream that is not up has no credits the source could still spend.
    return this.state === "up" ? this.outstanding * this.batchMax : 0;
  }
  /** A batch is at most BATCH_MAX_BYTES (one larger event travels alone, only into empty queues). */
  override get reservedBytes(): number {
    return this.state === "up" ? this.outstanding * BATCH_MAX_BYTES : 0;
  }
  /** Grants as many credits as the out-edges have room for (up to SOURCE_CREDITS outstanding). */
  private grant(): number {
    let n = 0;
    while (this.outstanding < SOURCE_CREDITS && this.host.mayProduce(this.nodeId, this.batchMax, BATCH_MAX_BYTES)) {
      this.outstanding++;
      n++;
    }
    return n;
  }
  protected open(client: grpc.Client): void {
    const call = client.makeBidiStreamRequest(PATHS.sourceBatches, identitySerialize, identityDeserialize, this.callMetadata());
    this.call = call;
    this.outstanding = 0;
    // The first message carries the request even when no room exists yet (credits 0).
    call.write(writeSourceControl(this.grant(), this.params, this.received));
    call.on("data", (msg: Buffer) => {
      try {
        const batch = readEventBatch(msg);
        assertEvents(batch.events);
        this.host.trace?.encoded("router.in", this.nodeId, batch.events);
        this.outstanding = Math.max(0, this.outstanding - 1);
        // Sequence 0: a source that does not number its batches (nothing to deduplicate).
        const fresh = batch.sequence === 0 || batch.sequence > this.received;
        if (fresh && batch.sequence > 0) this.received = batch.sequence;
        if (fresh) {
          this.eventsOut += batch.events.length;
          if (batch.events.length > 0) this.host.output(this, batch.events);
        }
        const n = this.call === call ? this.grant() : 0;
        if (n > 0 || batch.sequence > 0) call.write(writeSourceControl(n, undefined, this.received));
      } catch (err) {
        if (this.call === call) this.frameFailed(err);
      }
    });
    this.followEnd(call, () => this.call === call);
  }
  reset(reason: string): void {
    const call = this.call;
    this.call = undefined;
    this.outstanding = 0;
    call?.cancel();
    this.fail([], 0, reason);
  }
  resume(): void {
    if (!this.call || this.state !== "up") return;
    const n = this.grant();
    if (n > 0) this.call.write(writeSourceControl(n, undefined, this.received));
  }
  cancel(): void {
    const call = this.call;
    this.call = undefined;
    this.cancelCall(call);
  }
}

