/**
 * Runs a processor definition over events, transport-independent (the gRPC wires and the test
 * harness share it): one event at a time in order (or one processBatch call), errors counted per
 * event, metrics and busy time recorded.
 */
import type { Logger } from "../core/logger";
import type { ComponentMetrics } from "./metrics";
import type { ComponentContext, FlowEvent, ProcessorDefinition, ProcessResult } from "./types";

/** Outputs of one handled batch, with failures counted. */
export interface ProcessOutcome {
  events: FlowEvent[];
  failed: number;
  /** First few error messages (bounded). */
  errors: string[];
}

const MAX_ERRORS_PER_BATCH = 5;

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}

/** Runs a processor definition over batches (shared by both wires and the harness). */
/**
 * Longest stretch the per-event loop keeps the event loop before yielding. CPU-bound user code
 * (passthrough WORK_MICROS, real parsers) would otherwise block /metrics, /health and the gRPC
 * stream for a whole batch; the yield still counts as busy time.
 */
export const YIELD_AFTER_MS = 10;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ProcessorCore {
  constructor(
    private readonly def: ProcessorDefinition,
    private readonly ctx: ComponentContext,
    private readonly metrics: ComponentMetrics,
    private readonly logger: Logger,
  ) {
    if (!def.process && !def.processBatch) throw new TypeError(`processor ${def.name}: define process() or processBatch()`);
  }

  /** Processes `events` (already counted as received) and returns the outputs in order. */
  async handle(events: FlowEvent[]): Promise<ProcessOutcome> {
    const m = this.metrics;
    m.time.beginBusy();
    try {
      const out = this.def.processBatch ? await this.handleBatch(events) : await this.handleEach(events);
      m.eventsEmitted += out.events.length;
      return out;
    } finally {
      m.time.endBusy();
    }
  }

  private async handleBatch(events: FlowEvent[]): Promise<ProcessOutcome> {
    const m = this.metrics;
    const t0 = performance.now();
    try {
      const r = this.def.processBatch!(events, this.ctx);
      const out = isPromise(r) ? await r : r;
      m.eventsProcessed += events.length;
      return { events: out ?? [], failed: 0, errors: [] };
    } catch (err) {
      m.errors += events.length;
      const message = `processBatch failed: ${(err as Error).message ?? String(err)}`;
      this.logger.warn(message, { events: events.length });
      return { events: [], failed: events.length, errors: [message] };
    } finally {
      m.processingDuration.observe((performance.now() - t0) / 1000);
    }
  }

  private async handleEach(events: FlowEvent[]): Promise<ProcessOutcome> {
    const m = this.metrics;
    const process = this.def.process!;
    const out: FlowEvent[] = [];
    const errors: string[] = [];
    let failed = 0;
    let lastYield = performance.now();
    for (const e of events) {
      const t0 = performance.now();
      if (t0 - lastYield > YIELD_AFTER_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      try {
        let r: ProcessResult | Promise<ProcessResult> = process(e, this.ctx);
        if (isPromise(r)) r = await r;
        if (r) {
          if (Array.isArray(r)) for (const x of r) out.push(x);
          else out.push(r);
        }
        m.eventsProcessed++;
      } catch (err) {
        failed++;
        m.errors++;
        if (errors.length < MAX_ERRORS_PER_BATCH) {
          const message = `event ${e.id}: ${(err as Error).message ?? String(err)}`;
          errors.push(message);
          this.logger.warn("process failed", { eventId: e.id, error: message });
        }
      }
      m.processingDuration.observe((performance.now() - t0) / 1000);
    }
    return { events: out, failed, errors };
  }
}
