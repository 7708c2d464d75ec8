/**
 * The bounded queue on one edge `from → to`, holding serialized events (Buffers, never decoded).
 *
 * `capacity` (events) and `maxBytes` (serialized bytes) are the points at which the upstream is
 * stopped (policy `block`) or the oldest events are discarded and counted (policy `drop_oldest`). With `block` the router grants producers room only
 * for what fits under the capacity (RouterCore.mayProduce: source credits and processor batches in
 * flight are reserved), so the depth stays ≤ capacity. A producer that breaks its agreement (a
 * foreign source sending batches above its BATCH_SIZE, a processor emitting more events than it
 * received) still gets its events accepted — never dropped — and `peakDepth` shows the overshoot.
 */
import type { QueuePolicy } from "../../core/spec/pipeline-spec.schema";

/**
 * Where the events the producer emitted for this edge went (monotonic counts). With `enqueued`
 * and `dropped` of the queue: produced = enqueued + rejected, and at the end of a run
 * produced = delivered + dropped + rejected + lost + abandoned — every event counted once.
 */
export interface EdgeAccountCounters {
  /** Too large for one data-plane message: never enqueued (counted on every out-edge of the producer). */
  rejected: number;
  /** Not offered: the receiving sink's event-type filter excludes their type (not part of `produced`). */
  filtered: number;
  /** Acknowledged by the receiver (batch ack, Consume response, a per-event processor's answer). */
  delivered: number;
  /** In flight to an instance that crashed, and not re-sendable (per-event processors only). */
  lost: number;
  /** Still queued or in flight when the run ended without draining. */
  abandoned: number;
}

export class EdgeQueue {
  private ring: (Buffer | undefined)[];
  private head = 0;
  private size = 0;
  /** Counters read by the stats reporter (monotonic). */
  enqueued = 0;
  dequeued = 0;
  dequeuedBytes = 0;
  dropped = 0;
  readonly account: EdgeAccountCounters = { rejected: 0, filtered: 0, delivered: 0, lost: 0, abandoned: 0 };
  /** Highest depth ever reached (the bound users are promised: ≤ capacity with `block`). */
  peakDepth = 0;
  /**
   * Accumulated ms during which the upstream waited on this queue: it was full, or the router
   * refused the producer a batch because the queue had no room for it (see {@link setProducerWaiting}).
   */
  blockedMs = 0;
  private blockedSince: number | undefined;
  private producerWaiting = false;

  /** Serialized bytes queued now, and the most ever. */
  bytes = 0;
  peakBytes = 0;

  /** `maxBytes`: the byte bound (`queue.max_bytes`); one event larger than it still passes alone. */
  constructor(
    readonly from: string,
    readonly to: string,
    readonly capacity: number,
    readonly policy: QueuePolicy,
    readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {
    this.ring = new Array<Buffer | undefined>(nextPow2(Math.min(capacity, 1 << 16) + 1));
  }

  get depth(): number {
    return this.size;
  }

  /** True when the upstream must not send more (block policy at or above capacity or max bytes). */
  get full(): boolean {
    return this.policy === "block" && (this.size >= this.capacity || this.bytes >= this.maxBytes);
  }

  /** Room left under the byte bound (block policy). */
  get roomBytes(): number {
    return this.maxBytes - this.bytes;
  }

  push(ev: Buffer): void {
    // drop_oldest keeps both bounds: the oldest go until the new event fits (it may end up alone).
    while (this.policy === "drop_oldest" && this.size > 0 && (this.size >= this.capacity || this.bytes + ev.length > this.maxBytes)) {
      const dropped = this.shift()!;
      this.dequeued--; // a drop is not a delivery
      this.dequeuedBytes -= dropped.length;
      this.dropped++;
    }
    if (this.size === this.ring.length) this.grow();
    this.ring[(this.head + this.size) & (this.ring.length - 1)] = ev;
    this.size++;
    this.bytes += ev.length;
    if (this.size > this.peakDepth) this.peakDepth = this.size;
    if (this.bytes > this.peakBytes) this.peakBytes = this.bytes;
    this.enqueued++;
    if (this.full && this.blockedSince === undefined) this.blockedSince = performance.now();
  }

  /**
   * Marks whether the producer is held back by this queue without it being full: batched producers
   * are granted room a whole batch at a time, so a source can wait on a queue at 30/50. Counting
   * only "full" would hide that wait from `flowctl_edge_blocked_seconds_total` and the diagnosis.
   */
  setProducerWaiting(waiting: boolean): void {
    if (waiting === this.producerWaiting) return;
    this.producerWaiting = waiting;
    this.settleBlocked();
  }

  /** Whether the producer is currently held back by this queue (full, or no room for its batch). */
  get blocking(): boolean {
    return this.full || this.producerWaiting;
  }

  private settleBlocked(): void {
    const blocking = this.blocking;
    if (blocking && this.blockedSince === undefined) this.blockedSince = performance.now();
    else if (!blocking && this.blockedSince !== undefined) {
      this.blockedMs += performance.now() - this.blockedSince;
      this.blockedSince = undefined;
    }
  }

  /** Removes and returns the oldest event, or undefined when empty. */
  shift(): Buffer | undefined {
    if (this.size === 0) return undefined;
    const ev = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & (this.ring.length - 1);
    this.size--;
    this.bytes -= ev.length;
    this.dequeued++;
    this.dequeuedBytes += ev.length;
    if (this.blockedSince !== undefined && !this.full && !this.producerWaiting) {
      this.blockedMs += performance.now() - this.blockedSince;
      this.blockedSince = undefined;
    }
    return ev;
  }

  /** The oldest event without removing it. */
  peek(): Buffer | undefined {
    return this.size === 0 ? undefined : this.ring[this.head];
  }

  /** blockedMs including the currently running blocked interval. */
  blockedMsNow(): number {
    return this.blockedMs + (this.blockedSince === undefined ? 0 : performance.now() - this.blockedSince);
  }

  private grow(): void {
    const bigger = new Array<Buffer | undefined>(this.ring.length * 2);
    for (let i = 0; i < this.size; i++) bigger[i] = this.ring[(this.head + i) & (this.ring.length - 1)];
    this.ring = bigger;
    this.head = 0;
  }
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}
