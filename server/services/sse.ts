/**
 * Server-Sent Events from an async iterator, pull-based: the next message is read only when the
 * client's connection has taken the previous one, so a slow browser holds at most the latest state
 * (see Broadcast) and never a queue. A comment line every 15 s keeps proxies from timing it out.
 */
import type { LiveMessage } from "./api-types";
import type { Delivery } from "./broadcast";

const PING_MS = 15_000;

/** One SSE frame: `event: <type>` and the JSON as `data:`. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Frames for one delivery of a live run stream. */
export function frameOf(d: Delivery<LiveMessage>): string {
  return d.kind === "gap" ? sseFrame("gap", { type: "gap", skipped: d.skipped }) : sseFrame(d.message.type, d.message);
}

/** An SSE `Response` reading `source` until it ends or the client goes away (`abort` is then called). */
export function sseResponse(source: AsyncIterator<string>, abort: () => void): Response {
  const encoder = new TextEncoder();
  let pending: Promise<IteratorResult<string>> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // Tells the browser how long to wait before reconnecting, and flushes the headers at once.
      controller.enqueue(encoder.encode("retry: 2000\n\n"));
    },
    async pull(controller) {
      pending ??= source.next();
      let timer: NodeJS.Timeout | undefined;
      const ping = new Promise<"ping">((resolve) => (timer = setTimeout(() => resolve("ping"), PING_MS)));
      const r = await Promise.race([pending, ping]);
      clearTimeout(timer);
      if (r === "ping") {
        controller.enqueue(encoder.encode(": ping\n\n"));
        return;
      }
      pending = undefined;
      if (r.done) controller.close();
      else controller.enqueue(encoder.encode(r.value));
    },
    cancel() {
      abort();
      void source.return?.();
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" },
  });
}

/** Maps an iterator of deliveries to SSE frames. */
export async function* framesOf(deliveries: AsyncIterable<Delivery<LiveMessage>>): AsyncGenerator<string> {
  for await (const d of deliveries) yield frameOf(d);
}
