/** Event helpers: build events, read payloads, wall-clock time with sub-millisecond precision. */
import { randomUUID } from "node:crypto";
import { msToTimestamp, timestampToMs } from "../wire/event-codec";
import type { FlowEvent } from "./types";

/** Wall-clock milliseconds with sub-millisecond precision (for cross-process latency). */
export function wallNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Options of {@link createEvent}. */
export interface CreateEventOptions {
  type: string;
  /** Buffer/Uint8Array as is; string as UTF-8; anything else as JSON. */
  payload: Uint8Array | string | unknown;
  /** @default a random UUID */
  id?: string;
  metadata?: Record<string, string>;
  /** @default now */
  time?: Date | number;
  /** @default "application/json" for objects, "text/plain" for strings, "application/octet-stream" for bytes */
  contentType?: string;
  sourceComponentId?: string;
}

/**
 * Builds an event.
 * @example createEvent({ type: "order.created", payload: { id: 1, total: 9.5 } })
 */
export function createEvent(opts: CreateEventOptions): FlowEvent {
  let payload: Uint8Array;
  let contentType: string;
  if (opts.payload instanceof Uint8Array) {
    payload = opts.payload;
    contentType = "application/octet-stream";
  } else if (typeof opts.payload === "string") {
    payload = Buffer.from(opts.payload, "utf8");
    contentType = "text/plain";
  } else {
    const json = JSON.stringify(opts.payload);
    if (json === undefined) throw new TypeError("createEvent: payload is not JSON-serialisable");
    payload = Buffer.from(json, "utf8");
    contentType = "application/json";
  }
  const ms = opts.time === undefined ? wallNowMs() : opts.time instanceof Date ? opts.time.getTime() : opts.time;
  return {
    id: opts.id ?? randomUUID(),
    type: opts.type,
    payload,
    metadata: opts.metadata ?? {},
    timestamp: msToTimestamp(ms),
    sourceComponentId: opts.sourceComponentId ?? "",
    contentType: opts.contentType ?? contentType,
  };
}

/** The payload as UTF-8 text. */
export function payloadText(event: FlowEvent): string {
  const p = event.payload;
  return Buffer.isBuffer(p) ? p.toString("utf8") : Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString("utf8");
}

/** The payload parsed as JSON; throws a SyntaxError naming the event id when it is not JSON. */
export function payloadJson<T = unknown>(event: FlowEvent): T {
  try {
    return JSON.parse(payloadText(event)) as T;
  } catch (err) {
    throw new SyntaxError(`event ${event.id}: payload is not JSON (${(err as Error).message})`);
  }
}

/** Event time in epoch milliseconds, or undefined when the event has no timestamp. */
export function eventTimeMs(event: FlowEvent): number | undefined {
  return timestampToMs(event.timestamp);
}

/** A copy of `event` with other fields (shallow), e.g. a new payload keeping id and time. */
export function withEvent(event: FlowEvent, changes: Partial<FlowEvent>): FlowEvent {
  return {
    id: event.id,
    type: event.type,
    payload: event.payload,
    metadata: event.metadata ?? {},
    timestamp: event.timestamp ?? null,
    sourceComponentId: event.sourceComponentId ?? "",
    contentType: event.contentType ?? "",
    ...changes,
  };
}
