/** What the gRPC handlers of one component share: definition, context, metrics, live streams. */
import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "../../core/logger";
import type { HopTracer } from "../../wire/hop-trace";
import type { Clock } from "../context";
import type { ComponentMetrics } from "../metrics";
import type { ComponentContext, ComponentDefinition } from "../types";

/** A stream being served; `drain()` finishes in-hand work, acknowledges it and ends the call. */
export interface ActiveStream {
  drain(): Promise<void>;
}

/** Dependencies of a component's gRPC handlers. */
export interface ServiceDeps<D extends ComponentDefinition = ComponentDefinition> {
  def: D;
  ctx: ComponentContext;
  metrics: ComponentMetrics;
  logger: Logger;
  clock: Clock;
  /** Events per outgoing batch (sources). */
  batchSize: number;
  /** Linger before a partial outgoing batch is sent (sources); 0 = adaptive (see source-service's pumpBatches). */
  lingerMs: number;
  maxQueueSize: number;
  /** Registers a live stream for the shutdown drain; returns its removal. */
  track(stream: ActiveStream): () => void;
  /** Aborted at shutdown. */
  shutdown: AbortSignal;
  /** Hop timestamps of sampled events (FLOWCTL_TRACE_HOPS, the latency benchmark); usually undefined. */
  trace?: HopTracer;
}

/** A gRPC status error (code from core/errors' table via the caller). */
export function statusError(code: number, details: string): Partial<grpc.StatusObject> & Error {
  return Object.assign(new Error(details), { code, details });
}

/** Resolves when a writable call can take more, or when it closes (never hangs on a dead call). */
export function waitForDrain(call: { once(ev: string, fn: () => void): unknown; off?(ev: string, fn: () => void): unknown }): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      call.off?.("drain", done);
      call.off?.("close", done);
      call.off?.("cancelled", done);
      resolve();
    };
    call.once("drain", done);
    call.once("close", done);
    call.once("cancelled", done);
  });
}
