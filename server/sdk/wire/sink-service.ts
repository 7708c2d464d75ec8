/**
 * Sink wires: `flowctl.v1.ConsumerService.Consume` (client stream; the summary reply comes after
 * everything received was written) and `flowctl.batch.v1.BatchConsumerService.ConsumeBatches`
 * (a BatchAck per input batch, in order, only after the write carrying its last event resolved).
 * All streams of a sink share one {@link SinkBatcher}, so fan-in still flushes full batches.
 */
import type * as grpc from "@grpc/grpc-js";
import { ERROR_STATUS } from "../../core/errors";
import type { ConsumeResponseObject, WireBatchAck, WireEventBatch } from "../../wire/event-codec";
import { InputPump } from "../input-pump";
import { DeadLetterFile } from "../dead-letter";
import { resolveSinkBatch, SinkBatcher, type SinkRetryOptions } from "../sink-core";
import type { FlowEvent, SinkDefinition } from "../types";
import { statusError, type ServiceDeps } from "./deps";

/** A sink's settings from the environment contract (batching, retry, dead-letter file). */
export interface SinkEnv {
  batchSize?: number | undefined;
  batchFlushIntervalMs?: number | undefined;
  retry?: SinkRetryOptions;
  deadLetterFile?: string | undefined;
}

/** Handlers of Consume and ConsumeBatches sharing one batcher. */
export function createSinkHandlers(deps: ServiceDeps<SinkDefinition>, env: SinkEnv) {
  const { metrics: m, logger } = deps;
  const batch = resolveSinkBatch(deps.def, env);
  const batcher = new SinkBatcher(deps.def, deps.ctx, m, logger, {
    batch,
    maxBuffered: Math.max(deps.maxQueueSize, batch.size),
    clock: deps.clock,
    ...(env.retry ? { retry: env.retry } : {}),
    ...(env.deadLetterFile ? { deadLetter: new DeadLetterFile(env.deadLetterFile, deps.ctx.componentId) } : {}),
  });

  const consume = (call: grpc.ServerReadableStream<FlowEvent, ConsumeResponseObject>, callback: grpc.sendUnaryData<ConsumeResponseObject>) => {
    const totals: ConsumeResponseObject = { eventsConsumed: 0, eventsFailed: 0, errors: [] };
    const pump = new InputPump<FlowEvent>(call, {
      size: () => 1,
      maxQueued: deps.maxQueueSize,
      handle: (e) => {
        m.eventsReceived++;
        return batcher.add([e], (r) => {
          totals.eventsConsumed += r.consumed;
          totals.eventsFailed += r.failed;
          for (const msg of r.errors) if (totals.errors.length < 10) totals.errors.push(msg);
        });
      },
    });
    const finished = pump.done.then(
      async () => {
        await batcher.drain();
        callback(null, totals);
      },
      (err: Error) => {
        if (call.cancelled) return;
        m.errors++;
        callback(statusError(ERROR_STATUS.INTERNAL.grpc, `sink failed: ${err.message}`));
      },
    );
    const untrack = deps.track({
      drain: async () => {
        await pump.stop();
        await finished;
      },
    });
    void finished.finally(untrack);
  };

  const consumeBatches = (call: grpc.ServerDuplexStream<WireEventBatch, WireBatchAck>) => {
    const trace = deps.trace;
    if (trace) call.on("data", (b: WireEventBatch) => trace.events("sink.in", deps.ctx.componentId, b.events));
    const pump = new InputPump<WireEventBatch>(call, {
      size: (b) => b.events.length,
      maxQueued: deps.maxQueueSize,
      handle: (b) => {
        m.eventsReceived += b.events.length;
        const sequence = b.sequence;
        return batcher.add(b.events, (r) => {
          trace?.events("sink.done", deps.ctx.componentId, b.events);
          if (!call.cancelled) call.write({ sequence, consumed: r.consumed, failed: r.failed, errors: r.errors });
        });
      },
    });
    const finished = pump.done.then(
      async () => {
        await batcher.drain();
        if (!call.cancelled) call.end();
      },
      (err: Error) => {
        if (call.cancelled) return;
        m.errors++;
        logger.error("sink stream failed", { error: err.message });
        call.emit("error", statusError(ERROR_STATUS.INTERNAL.grpc, `sink failed: ${err.message}`));
      },
    );
    const untrack = deps.track({
      drain: async () => {
        await pump.stop();
        await finished;
      },
    });
    void finished.finally(untrack);
  };

  return { consume, consumeBatches, batcher };
}
