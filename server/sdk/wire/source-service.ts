/**
 * Source wires: `flowctl.v1.SourceService.StreamEvents` (one event per message, HTTP/2 flow control
 * only) and `flowctl.batch.v1.BatchSourceService.StreamBatches` (size-or-linger batches, at most
 * as many unacknowledged batches as the engine granted credits).
 */
import type * as grpc from "@grpc/grpc-js";
import { ERROR_STATUS } from "../../core/errors";
import type { StreamRequestObject, WireEventBatch, WireSourceControl } from "../../wire/event-codec";
import { iterateSource } from "../source-core";
import type { ComponentContext, FlowEvent, SourceDefinition, SourceRequest } from "../types";
import { statusError, waitForDrain, type ServiceDeps } from "./deps";

/** A per-stream context whose signal aborts on shutdown or when the engine cancels the call. */
function streamContext(
  deps: ServiceDeps,
  call: { on(event: "cancelled", fn: () => void): unknown },
): { ctx: ComponentContext; abort: AbortController; dispose: () => void } {
  const abort = new AbortController();
  const onShutdown = () => abort.abort();
  if (deps.shutdown.aborted) abort.abort();
  else deps.shutdown.addEventListener("abort", onShutdown, { once: true });
  call.on("cancelled", () => abort.abort());
  const dispose = () => deps.shutdown.removeEventListener("abort", onShutdown);
  return { ctx: { ...deps.ctx, signal: abort.signal }, abort, dispose };
}

function toRequest(r: Partial<StreamRequestObject> | null | undefined): SourceRequest {
  return { params: { ...(r?.params ?? {}) }, resume: r?.resume ?? false, resumeToken: r?.resumeToken ?? "" };
}

/** Ensures one stream at a time (the producer is a single sequence). */
function createSingleStreamGuard() {
  let active = false;
  return {
    acquire: () => (active ? false : (active = true)),
    release: () => void (active = false),
  };
}

/** Handlers of StreamEvents and StreamBatches for one source. */
export function createSourceHandlers(deps: ServiceDeps<SourceDefinition>) {
  const guard = createSingleStreamGuard();
  const { metrics: m, logger } = deps;

  const streamEvents = (call: grpc.ServerWritableStream<StreamRequestObject, FlowEvent>) => {
    if (!guard.acquire()) {
      call.emit("error", statusError(ERROR_STATUS.ALREADY_EXISTS.grpc, "source is already streaming"));
      return;
    }
    const { ctx, dispose } = streamContext(deps, call);
    const finished = (async () => {
      try {
        for await (const events of iterateSource(deps.def, ctx, toRequest(call.request), m)) {
          for (const e of events) {
            if (!call.write(e)) await m.time.blocked(waitForDrain(call));
          }
          m.eventsProcessed += events.length;
          m.eventsEmitted += events.length;
          if (call.cancelled) break;
        }
        if (!call.cancelled) call.end();
      } catch (err) {
        m.errors++;
        logger.error("source failed", { error: (err as Error).message });
        call.emit("error", statusError(ERROR_STATUS.INTERNAL.grpc, `source failed: ${(err as Error).message}`));
      }
    })();
    const untrack = deps.track({ drain: () => finished });
    void finished.finally(() => {
      dispose();
      untrack();
      guard.release();
    });
  };

  const streamBatches = (call: grpc.ServerDuplexStream<WireSourceControl, WireEventBatch>) => {
    if (!guard.acquire()) {
      call.emit("error", statusError(ERROR_STATUS.ALREADY_EXISTS.grpc, "source is already streaming"));
      return;
    }
    const { ctx, abort, dispose } = streamContext(deps, call);
    let credits = 0;
    let wake: (() => void) | undefined;
    let started: ((r: SourceRequest) => void) | undefined;
    const firstRequest = new Promise<SourceRequest>((r) => (started = r));
    const signalWake = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    call.on("data", (c: WireSourceControl) => {
      credits += c.credits;
      if (started) {
        started(toRequest(c.request));
        started = undefined;
      }
      signalWake();
    });
    // The engine half-closing means "stop": no more credits will come.
    call.on("end", () => {
      abort.abort();
      signalWake();
    });
    abort.signal.addEventListener("abort", () => {
      started?.(toRequest(undefined));
      signalWake();
    });

    let sequence = 0;
    const send = async (events: FlowEvent[]): Promise<boolean> => {
      while (credits <= 0) {
        if (call.cancelled || abort.signal.aborted) return false;
        await m.time.blocked(new Promise<void>((r) => (wake = r)));
      }
      credits--;
      sequence++;
      const ok = call.write({ sequence, events });
      m.eventsProcessed += events.length;
      m.eventsEmitted += events.length;
      if (!ok) await m.time.blocked(waitForDrain(call));
      return true;
    };

    const finished = (async () => {
      try {
        const request = await firstRequest;
        // A partial batch that finds no credit during shutdown is dropped unsent: the engine never
        // saw those events, and a source has no acknowledgement to break.
        await pumpBatches(iterateSource(deps.def, ctx, request, m), deps, send);
        if (!call.cancelled) call.end();
      } catch (err) {
        m.errors++;
        logger.error("source failed", { error: (err as Error).message });
        call.emit("error", statusError(ERROR_STATUS.INTERNAL.grpc, `source failed: ${(err as Error).message}`));
      }
    })();
    const untrack = deps.track({ drain: () => finished });
    void finished.finally(() => {
      dispose();
      untrack();
      guard.release();
    });
  };

  return { streamEvents, streamBatches };
}

const LINGER = Symbol("linger");

/**
 * Groups the producer's output into batches of `batchSize`, sending a partial batch `lingerMs`
 * after its first event. Returns false if a send was refused (stream closing).
 */
async function pumpBatches(
  it: AsyncGenerator<FlowEvent[]>,
  deps: ServiceDeps,
  send: (events: FlowEvent[]) => Promise<boolean>,
): Promise<boolean> {
  const size = deps.batchSize;
  let batch: FlowEvent[] = [];
  let deadline = 0;
  let pending: Promise<IteratorResult<FlowEvent[]>> | undefined;
  try {
    for (;;) {
      pending ??= it.next();
      let r: IteratorResult<FlowEvent[]> | typeof LINGER;
      if (batch.length === 0) r = await pending;
      else {
        const wait = deadline - performance.now();
        if (wait <= 0) r = LINGER;
        else {
          let timer: NodeJS.Timeout | undefined;
          r = await Promise.race([pending, new Promise<typeof LINGER>((res) => (timer = setTimeout(() => res(LINGER), wait)))]);
          clearTimeout(timer);
        }
      }
      if (r === LINGER) {
        const out = batch;
        batch = [];
        if (!(await send(out))) return false;
        continue;
      }
      pending = undefined;
      if (r.done) break;
      if (batch.length === 0) deadline = performance.now() + deps.lingerMs;
      for (const e of r.value) batch.push(e);
      while (batch.length >= size) {
        const out = batch.length === size ? batch : batch.slice(0, size);
        batch = batch.length === size ? [] : batch.slice(size);
        if (!(await send(out))) return false;
        if (batch.length > 0) deadline = performance.now() + deps.lingerMs;
      }
    }
    if (batch.length > 0) return send(batch);
    return true;
  } finally {
    await it.return(undefined);
  }
}
