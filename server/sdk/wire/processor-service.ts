/**
 * Processor wires: `flowctl.v1.ProcessorService.Process` (bidi, outputs on the same stream in
 * input order) and `flowctl.batch.v1.BatchProcessorService.ProcessBatches` (one ProcessedBatch per
 * EventBatch, in order, carrying its sequence). Inputs are handled one at a time through a bounded
 * {@link InputPump}.
 */
import type * as grpc from "@grpc/grpc-js";
import { ERROR_STATUS } from "../../core/errors";
import type { WireEventBatch, WireProcessedBatch } from "../../wire/event-codec";
import { InputPump } from "../input-pump";
import { ProcessorCore } from "../processor-core";
import type { FlowEvent, ProcessorDefinition } from "../types";
import { statusError, waitForDrain, type ServiceDeps } from "./deps";

/** Handlers of Process and ProcessBatches for one processor. */
export function createProcessorHandlers(deps: ServiceDeps<ProcessorDefinition>) {
  const { metrics: m, logger } = deps;
  const core = new ProcessorCore(deps.def, deps.ctx, m, logger);
  const onDepth = (d: number) => {
    m.queueDepth += d;
  };

  /** Serves one call: pump inputs through `handle`, end the call when the input ends or on drain. */
  const serve = <In>(call: grpc.ServerDuplexStream<In, unknown>, size: (i: In) => number, handle: (i: In) => Promise<void>) => {
    const pump = new InputPump<In>(call, { size, handle, maxQueued: deps.maxQueueSize, onDepth });
    const finished = pump.done.then(
      () => {
        if (!call.cancelled) call.end();
      },
      (err: Error) => {
        if (call.cancelled) return;
        m.errors++;
        logger.error("processor stream failed", { error: err.message });
        call.emit("error", statusError(ERROR_STATUS.INTERNAL.grpc, `processor failed: ${err.message}`));
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

  const write = async (call: grpc.ServerDuplexStream<unknown, unknown>, msg: unknown) => {
    if (!call.write(msg)) await m.time.blocked(waitForDrain(call));
  };

  const processEvents = (call: grpc.ServerDuplexStream<FlowEvent, FlowEvent>) => {
    serve(
      call,
      () => 1,
      async (event) => {
        m.eventsReceived++;
        const out = await core.handle([event]);
        for (const e of out.events) {
          if (call.cancelled) return;
          await write(call, e);
        }
      },
    );
  };

  const processBatches = (call: grpc.ServerDuplexStream<WireEventBatch, WireProcessedBatch>) => {
    const trace = deps.trace;
    if (trace) call.on("data", (b: WireEventBatch) => trace.events("proc.in", deps.ctx.componentId, b.events));
    serve(
      call,
      (b) => b.events.length,
      async (batch) => {
        m.eventsReceived += batch.events.length;
        const out = await core.handle(batch.events);
        if (call.cancelled) return;
        const written = write(call, { sequence: batch.sequence, events: out.events, failed: out.failed, errors: out.errors });
        deps.trace?.events("proc.out", deps.ctx.componentId, out.events);
        await written;
      },
    );
  };

  return { processEvents, processBatches };
}
