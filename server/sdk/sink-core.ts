/**
 * flowctl's documented AsyncSink, built in: events buffer until `size` or `flushIntervalMs` after the first
 * buffered event, one flush at a time, each write awaited before the events it carried are
 * acknowledged (tickets resolve in order). Bounded: `add` waits while `maxBuffered` events are
 * pending (overflow policy: block the caller, which pauses the gRPC stream).
 */
import type { Logger } from "../core/logger";
import { eventTimestampMs } from "../wire/lazy-event";
import type { Clock } from "./context";
import type { DeadLetterFile } from "./dead-letter";
import type { ComponentMetrics } from "./metrics";
import type { ComponentContext, FlowEvent, SinkBatchOptions, SinkDefinition } from "./types";

/** Outcome reported for one `add` call once all its events were written (or failed). */
export interface TicketResult {
  consumed: number;
  failed: number;
  errors: string[];
}

interface Ticket {
  end: number;
  start: number;
  failed: number;
  errors: string[];
  done: (r: TicketResult) => void;
}

/** Retry of a failed write (the pipeline's `retry:`): attempts in all, exponential backoff, capped. */
export interface SinkRetryOptions {
  /** Writes of a batch, the first one included. @default 1 (no retry) */
  maxAttempts: number;
  /** Wait before the 2nd attempt; doubles after each failure. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const NO_RETRY: SinkRetryOptions = { maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0 };

/** Batch thresholds, buffer bound, clock, retry policy and dead-letter file of a {@link SinkBatcher}. */
export interface SinkBatcherOptions {
  batch: SinkBatchOptions;
  maxBuffered: number;
  clock: Clock;
  /** @default NO_RETRY */
  retry?: SinkRetryOptions;
  /** Where events go once their retries are exhausted; without one they are only counted failed. */
  deadLetter?: DeadLetterFile;
}

/** Size-or-time batching with awaited writes and in-order tickets (see the file comment). */
export class SinkBatcher {
  private buffer: FlowEvent[] = [];
  /** Offsets in the stream of all events ever added / flushed. */
  private added = 0;
  private flushed = 0;
  private readonly tickets: Ticket[] = [];
  private flushing: Promise<void> | undefined;
  /** Cancels the pending flush timer (clock timeout, or end-of-turn immediate for an interval of 0). */
  private cancelTimer: (() => void) | undefined;
  private spaceWaiters: (() => void)[] = [];
  /** Number of flushes that have completed (observable by tests). */
  flushCount = 0;

  constructor(
    private readonly def: SinkDefinition,
    private readonly ctx: ComponentContext,
    private readonly metrics: ComponentMetrics,
    private readonly logger: Logger,
    private readonly opts: SinkBatcherOptions,
  ) {}

  /** Events buffered or being written. */
  get pending(): number {
    return this.added - this.flushed;
  }

  /**
   * Adds events; resolves once they are buffered (waits while the buffer is full). `onWritten`
   * fires after the write that carried the last of them has been awaited.
   */
  async add(events: FlowEvent[], onWritten?: (r: TicketResult) => void): Promise<void> {
    while (this.pending >= this.opts.maxBuffered) {
      await this.metrics.time.blocked(new Promise<void>((r) => this.spaceWaiters.push(r)));
    }
    const start = this.added;
    for (const e of events) this.buffer.push(e);
    this.added += events.length;
    this.metrics.queueDepth = this.pending;
    if (onWritten) {
      // An empty add is acknowledged in its turn (after earlier tickets), never ahead of them.
      if (events.length === 0 && this.tickets.length === 0) onWritten({ consumed: 0, failed: 0, errors: [] });
      else this.tickets.push({ start, end: this.added, failed: 0, errors: [], done: onWritten });
    }
    this.schedule();
  }

  /** Flushes everything buffered (shutdown, end of stream) and waits for the writes. */
  async drain(): Promise<void> {
    while (this.buffer.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else this.startFlush(this.buffer.length);
    }
  }

  private schedule(): void {
    if (this.buffer.length === 0 || this.flushing) return;
    if (this.buffer.length >= this.opts.batch.size) {
      this.startFlush(this.opts.batch.size);
      return;
    }
    if (this.cancelTimer === undefined) {
      const fire = () => {
        this.cancelTimer = undefined;
        if (!this.flushing && this.buffer.length > 0) this.startFlush(this.opts.batch.size);
      };
      const clock = this.opts.clock;
      if (this.opts.batch.flushIntervalMs === 0) {
        // No linger: flush what arrived during this event-loop turn. A 0 ms timer would wait ~1 ms
        // (Node clamps timeouts to ≥ 1 ms), which is most of a pipeline's latency at moderate rates.
        const h = setImmediate(fire);
        this.cancelTimer = () => clearImmediate(h);
      } else {
        const h = clock.setTimeout(fire, this.opts.batch.flushIntervalMs);
        this.cancelTimer = () => clock.clearTimeout(h);
      }
    }
  }

  private startFlush(max: number): void {
    if (this.cancelTimer !== undefined) {
      this.cancelTimer();
      this.cancelTimer = undefined;
    }
    const batch = this.buffer.length <= max ? this.buffer : this.buffer.slice(0, max);
    this.buffer = batch === this.buffer ? [] : this.buffer.slice(max);
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
      this.schedule();
    });
  }

  /**
   * Writes one batch, retrying a failed write per the retry policy (not once shutdown began); when
   * the last attempt fails its events go to the dead-letter file. Either way they are acknowledged
   * as failed with the error — never silently.
   */
  private async write(batch: FlowEvent[]): Promise<void> {
    const retry = this.opts.retry ?? NO_RETRY;
    let error: string | undefined;
    let attempts = 0;
    for (;;) {
      attempts++;
      error = await this.attempt(batch);
      if (error === undefined || attempts >= retry.maxAttempts || this.ctx.signal.aborted) break;
      const delay = Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** (attempts - 1));
      this.metrics.writeRetries++;
      this.logger.warn("sink write failed; retrying", { events: batch.length, attempt: attempts, maxAttempts: retry.maxAttempts, delayMs: delay, error });
      await this.sleep(delay);
    }
    if (error !== undefined) error = await this.giveUp(batch, error, attempts);
    this.flushCount++;
    this.settle(batch.length, error);
  }

  /** One write; returns the error, or undefined when it succeeded. */
  private async attempt(batch: FlowEvent[]): Promise<string | undefined> {
    const m = this.metrics;
    const t0 = performance.now();
    m.time.beginBusy();
    try {
      await this.def.consume(batch, this.ctx);
      m.eventsProcessed += batch.length;
      const now = this.opts.clock.now();
      for (const e of batch) {
        const sent = eventTimestampMs(e);
        if (sent !== undefined) m.endToEndLatency.observe(Math.max(0, now - sent) / 1000);
      }
      return undefined;
    } catch (err) {
      return `write of ${batch.length} events failed: ${(err as Error).message ?? String(err)}`;
    } finally {
      m.time.endBusy();
      m.processingDuration.observe((performance.now() - t0) / 1000);
    }
  }

  /** The batch failed for good: counted, logged, dead-lettered; returns the error to acknowledge. */
  private async giveUp(batch: FlowEvent[], error: string, attempts: number): Promise<string> {
    this.metrics.errors += batch.length;
    this.logger.error("sink write failed", { events: batch.length, attempts, error });
    const dlq = this.opts.deadLetter;
    if (!dlq) return error;
    try {
      await dlq.write(batch, error, attempts);
      this.metrics.deadLettered += batch.length;
      return `dead-lettered to ${dlq.file} after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${error}`;
    } catch (err) {
      this.logger.error("dead-letter file not written", { file: dlq.file, events: batch.length, error: (err as Error).message });
      return `${error}; dead-letter file ${dlq.file} not written: ${(err as Error).message}`;
    }
  }

  /** Waits `ms` on the component's clock; returns early when the component shuts down. */
  private sleep(ms: number): Promise<void> {
    const signal = this.ctx.signal;
    return new Promise((resolve) => {
      if (ms <= 0 || signal.aborted) return resolve();
      const onAbort = () => {
        this.opts.clock.clearTimeout(handle);
        resolve();
      };
      const handle = this.opts.clock.setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private settle(n: number, error: string | undefined): void {
    const from = this.flushed;
    this.flushed += n;
    while (this.tickets.length > 0) {
      const t = this.tickets[0]!;
      if (error) {
        const overlap = Math.min(t.end, this.flushed) - Math.max(t.start, from);
        if (overlap > 0) {
          t.failed += overlap;
          if (t.errors.length < 5) t.errors.push(error);
        }
      }
      if (t.end > this.flushed) break;
      this.tickets.shift();
      const size = t.end - t.start;
      t.done({ consumed: size - t.failed, failed: t.failed, errors: t.errors });
    }
    this.metrics.queueDepth = this.pending;
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
  }
}

/** Sink batch options: definition defaults overridden by BATCH_SIZE / BATCH_FLUSH_INTERVAL_MS. */
export function resolveSinkBatch(def: SinkDefinition, env: { batchSize?: number | undefined; batchFlushIntervalMs?: number | undefined }): SinkBatchOptions {
  return {
    size: env.batchSize ?? def.batch?.size ?? 100,
    flushIntervalMs: env.batchFlushIntervalMs ?? def.batch?.flushIntervalMs ?? 100,
  };
}
