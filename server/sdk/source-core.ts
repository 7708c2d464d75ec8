/**
 * Turns a source definition's `produce` (async generator or batch-returning function) into one
 * async iterator of event arrays, filling `sourceComponentId`/`timestamp` when missing and
 * accounting the time spent producing as busy (ctx.sleep inside counts as idle).
 */
import { msToTimestamp } from "../wire/event-codec";
import { wallNowMs } from "./event";
import type { ComponentMetrics } from "./metrics";
import type { ComponentContext, FlowEvent, SourceDefinition, SourceOutput, SourceRequest } from "./types";

function isAsyncIterable(v: unknown): v is AsyncIterable<SourceOutput> {
  return v != null && typeof (v as Record<symbol, unknown>)[Symbol.asyncIterator] === "function";
}

/** Iterates the source's output as arrays of events until it ends or `ctx.signal` aborts. */
export async function* iterateSource(
  def: SourceDefinition,
  ctx: ComponentContext,
  request: SourceRequest,
  metrics: ComponentMetrics,
): AsyncGenerator<FlowEvent[]> {
  const id = ctx.componentId;
  const fill = (events: FlowEvent[]): FlowEvent[] => {
    let ts: ReturnType<typeof msToTimestamp> | undefined;
    for (const e of events) {
      if (!e.sourceComponentId) e.sourceComponentId = id;
      if (!e.timestamp) e.timestamp = ts ??= msToTimestamp(wallNowMs());
    }
    return events;
  };
  const timed = async <T>(p: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    metrics.time.beginBusy();
    try {
      return await p();
    } finally {
      metrics.time.endBusy();
      metrics.processingDuration.observe((performance.now() - t0) / 1000);
    }
  };

  const first = def.produce(ctx, request);
  if (isAsyncIterable(first)) {
    const it = first[Symbol.asyncIterator]();
    try {
      while (!ctx.signal.aborted) {
        const r = await timed(() => it.next());
        if (r.done) return;
        const v = r.value;
        const batch = Array.isArray(v) ? v : [v];
        if (batch.length > 0) yield fill(batch);
      }
    } finally {
      // Lets the generator run its finally blocks (close files, cursors).
      await it.return?.();
    }
    return;
  }
  let next: FlowEvent[] | null | undefined = await timed(() => first);
  while (next) {
    if (next.length > 0) yield fill(next);
    if (ctx.signal.aborted) return;
    next = await timed(() => def.produce(ctx, request) as Promise<FlowEvent[] | null | undefined>);
  }
}
