/**
 * `flowctl/sdk/testing`: run a source, processor or sink definition in-process, without gRPC or a
 * control plane — feed events, collect outputs, and advance a fake clock to trigger sink flushes.
 * The same cores as the real runtime run underneath (ordering, batching, acks, metrics).
 */
import { silentLogger, type Logger } from "../../core/logger";
import { createContext, type Clock } from "../context";
import { ComponentMetrics } from "../metrics";
import { ProcessorCore, type ProcessOutcome } from "../processor-core";
import { DeadLetterFile } from "../dead-letter";
import { resolveSinkBatch, SinkBatcher, type SinkRetryOptions, type TicketResult } from "../sink-core";
import { iterateSource } from "../source-core";
import type { ComponentContext, FlowEvent, ProcessorDefinition, SinkBatchOptions, SinkDefinition, SourceDefinition, SourceRequest } from "../types";

export { createEvent, payloadJson, payloadText } from "../event";
export type { TicketResult } from "../sink-core";

/** Lets queued promise callbacks and I/O callbacks run. */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** A manual clock: timers fire only when {@link FakeClock.advance} passes their due time. */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.t = startMs;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Pending timers (for assertions). */
  get pendingTimers(): number {
    return this.timers.size;
  }
  /** Moves time forward, firing due timers in order and letting their async work run. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
      await settle();
    }
    this.t = target;
    await settle();
  }
}

export interface TestComponentOptions {
  /** @default "test-component" */
  componentId?: string;
  logger?: Logger;
  partition?: { id: number; count: number };
  /** Timers and `ctx.now()`; @default a new FakeClock for sinks, the real clock otherwise. */
  clock?: Clock;
}

function setupContext(role: "source" | "processor" | "sink", opts: TestComponentOptions, clock: Clock) {
  const componentId = opts.componentId ?? "test-component";
  const metrics = new ComponentMetrics({ componentId, role, collectDefaults: false });
  const abort = new AbortController();
  const logger = opts.logger ?? silentLogger;
  const ctx = createContext({ componentId, signal: abort.signal, logger, metrics, partition: opts.partition, clock });
  return { ctx, metrics, abort, logger };
}

const realClockForTests: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** A processor under test. */
export interface TestProcessor {
  /** Processes events in order and returns the outputs (errors are counted, not thrown). */
  process(input: FlowEvent | FlowEvent[]): Promise<FlowEvent[]>;
  /** Like process, with failure counts and messages. */
  processDetailed(input: FlowEvent | FlowEvent[]): Promise<ProcessOutcome>;
  readonly ctx: ComponentContext;
  readonly metrics: ComponentMetrics;
  /** Runs teardown and aborts ctx.signal. */
  close(): Promise<void>;
}

/** Runs `def.setup`, then returns a handle that feeds events through the processor. */
export async function testProcessor(def: ProcessorDefinition, opts: TestComponentOptions = {}): Promise<TestProcessor> {
  const { ctx, metrics, abort, logger } = setupContext("processor", opts, opts.clock ?? realClockForTests);
  await def.setup?.(ctx);
  const core = new ProcessorCore(def, ctx, metrics, logger);
  const processDetailed = (input: FlowEvent | FlowEvent[]) => {
    const events = Array.isArray(input) ? input : [input];
    metrics.eventsReceived += events.length;
    return core.handle(events);
  };
  return {
    ctx,
    metrics,
    processDetailed,
    process: async (input) => (await processDetailed(input)).events,
    close: async () => {
      abort.abort();
      await def.teardown?.(ctx);
    },
  };
}

/** A sink under test. */
export interface TestSink {
  /** Buffers events (waits while the buffer is full); their ack lands in `acks` once written. */
  send(events: FlowEvent | FlowEvent[]): Promise<void>;
  /** Batches handed to `consume` that resolved, in order. */
  readonly written: FlowEvent[][];
  /** One result per `send`, in order, after the write carrying its last event resolved. */
  readonly acks: TicketResult[];
  readonly clock: Clock;
  /** Advances the fake clock (flush interval) and waits for resulting writes. */
  advance(ms: number): Promise<void>;
  /** Flushes everything buffered and waits (what SIGTERM does). */
  drain(): Promise<void>;
  /** Events buffered or being written. */
  readonly pending: number;
  readonly batch: SinkBatchOptions;
  readonly ctx: ComponentContext;
  readonly metrics: ComponentMetrics;
  close(): Promise<void>;
}

/** Runs `def.setup`, then returns a handle that feeds events through the sink's batching. */
export async function testSink(
  def: SinkDefinition,
  opts: TestComponentOptions & {
    batch?: Partial<SinkBatchOptions>;
    maxBuffered?: number;
    /** Write retry policy (the pipeline's `retry:`). @default one attempt */
    retry?: SinkRetryOptions;
    /** Dead-letter file for events whose retries are exhausted. */
    deadLetterFile?: string;
  } = {},
): Promise<TestSink> {
  const clock = opts.clock ?? new FakeClock();
  const { ctx, metrics, abort, logger } = setupContext("sink", opts, clock);
  await def.setup?.(ctx);
  const written: FlowEvent[][] = [];
  const acks: TicketResult[] = [];
  const recording: SinkDefinition = {
    ...def,
    consume: async (batch, c) => {
      await def.consume(batch, c);
      written.push(batch);
    },
  };
  const batch = resolveSinkBatch(def, { batchSize: opts.batch?.size, batchFlushIntervalMs: opts.batch?.flushIntervalMs });
  const batcher = new SinkBatcher(recording, ctx, metrics, logger, {
    batch,
    maxBuffered: opts.maxBuffered ?? Math.max(1000, batch.size),
    clock,
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.deadLetterFile ? { deadLetter: new DeadLetterFile(opts.deadLetterFile, ctx.componentId) } : {}),
  });
  return {
    written,
    acks,
    clock,
    batch,
    ctx,
    metrics,
    get pending() {
      return batcher.pending;
    },
    send: async (events) => {
      const list = Array.isArray(events) ? events : [events];
      metrics.eventsReceived += list.length;
      await batcher.add(list, (r) => acks.push(r));
      await settle();
    },
    advance: async (ms) => {
      if (!(clock instanceof FakeClock)) throw new TypeError("advance() needs the FakeClock (the default for sinks)");
      await clock.advance(ms);
      await settle();
    },
    drain: () => batcher.drain(),
    close: async () => {
      await batcher.drain();
      abort.abort();
      await def.teardown?.(ctx);
    },
  };
}

/** A source under test. */
export interface TestSource {
  /** Reads until at least `n` events arrived (or the source ended); returns exactly those read. */
  take(n: number): Promise<FlowEvent[]>;
  /** Reads until the source ends. */
  collect(): Promise<FlowEvent[]>;
  readonly ctx: ComponentContext;
  readonly metrics: ComponentMetrics;
  /** Aborts ctx.signal, finishes the generator and runs teardown. */
  close(): Promise<void>;
}

export async function testSource(def: SourceDefinition, opts: TestComponentOptions & { request?: Partial<SourceRequest> } = {}): Promise<TestSource> {
  const { ctx, metrics, abort } = setupContext("source", opts, opts.clock ?? realClockForTests);
  await def.setup?.(ctx);
  const request: SourceRequest = { params: {}, resume: false, resumeToken: "", ...opts.request };
  const it = iterateSource(def, ctx, request, metrics);
  let ended = false;
  const read = async (n: number): Promise<FlowEvent[]> => {
    const out: FlowEvent[] = [];
    while (!ended && out.length < n) {
      const r = await it.next();
      if (r.done) ended = true;
      else {
        out.push(...r.value);
        metrics.eventsProcessed += r.value.length;
        metrics.eventsEmitted += r.value.length;
      }
    }
    return out;
  };
  return {
    ctx,
    metrics,
    take: read,
    collect: () => read(Infinity),
    close: async () => {
      abort.abort();
      await it.return(undefined);
      await def.teardown?.(ctx);
    },
  };
}
