/**
 * The engine's lazy relay codec. The router never decodes event payloads: it reads an
 * `EventBatch`/`ProcessedBatch` with field 1/2 as `repeated bytes` (wire-compatible with
 * `repeated Event`, each element is one serialized `flowctl.v1.Event`) and writes batches by
 * concatenating the serialized events behind their tags. Only partitioning peeks at one header
 * field of an event, skipping the payload.
 *
 * Hand-rolled proto3 wire handling on purpose: protobufjs' reflection would allocate a decoded
 * object per event, which is what the fast path exists to avoid.
 */
import { InvalidArgumentError } from "../core/errors";
import { varintSize, writeVarint } from "./varint";

/**
 * Largest gRPC message a data-plane peer accepts (both wires, both directions; same value as
 * `event-codec.ts`'s `MAX_MESSAGE_BYTES`, repeated here so the relay has no protobufjs import).
 */
export const DATA_PLANE_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * Byte cap of one batch built by the router or the SDK (besides its event count): a batch closes
 * before an event would take it over this size. Far below the max message size, so a batch of
 * large events can never exceed it (100 × 1 MiB events would be 100 MiB), and small enough that
 * 16 batches in flight stay a bounded amount of memory per hop. 2 MiB also fits the 4 MiB default
 * receive limit of grpc-js/grpc-go servers (foreign batched components). A single event larger
 * than the cap travels alone.
 */
export const BATCH_MAX_BYTES = 2 * 1024 * 1024;

/**
 * Largest single serialized event that fits in one message with its batch framing (tag, length,
 * sequence). Bigger events cannot be delivered on either wire: they are rejected and counted.
 */
export const MAX_EVENT_BYTES = DATA_PLANE_MAX_MESSAGE_BYTES - 64;

/** Bytes one serialized event of `len` bytes adds to an `EventBatch` (tag + length + body). */
export function batchEntryBytes(len: number): number {
  return 1 + varintSize(len) + len;
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** A read cursor over a buffer; plain object so hot loops stay monomorphic. */
interface Cursor {
  buf: Buffer;
  pos: number;
}

function readVarint(c: Cursor): number {
  // Values above 2^53 do not occur for lengths and sequences; arithmetic instead of bit ops keeps 64-bit-ish values exact up to 2^53.
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= c.buf.length) throw new InvalidArgumentError("wire", "truncated varint");
    const b = c.buf[c.pos++]!;
    result += (b & 0x7f) * mul;
    if (b < 0x80) return result;
    mul *= 128;
  }
  throw new InvalidArgumentError("wire", "varint longer than 10 bytes");
}

function skipField(c: Cursor, wireType: number): void {
  switch (wireType) {
    case WIRE_VARINT:
      readVarint(c);
      return;
    case WIRE_I64:
      c.pos += 8;
      break;
    case WIRE_LEN: {
      const len = readVarint(c);
      c.pos += len;
      break;
    }
    case WIRE_I32:
      c.pos += 4;
      break;
    default:
      throw new InvalidArgumentError("wire", `unsupported wire type ${wireType}`);
  }
  if (c.pos > c.buf.length) throw new InvalidArgumentError("wire", "truncated field");
}


/**
 * Checks that a serialized `flowctl.v1.Event` is well-formed protobuf (every field's tag, wire type
 * and length fit the buffer) without decoding it; returns the problem, or undefined. The relay
 * forwards events as bytes, so this is what keeps one component's garbage from reaching (and
 * breaking) the next one.
 */
export function eventProblem(event: Buffer): string | undefined {
  const c: Cursor = { buf: event, pos: 0 };
  try {
    while (c.pos < event.length) {
      const tag = readVarint(c);
      if (tag < 8) return `invalid field tag ${tag} at byte ${c.pos}`;
      skipField(c, tag & 7);
    }
  } catch (err) {
    return (err as Error).message.replace(/^wire: /, "");
  }
  return undefined;
}

/** Throws InvalidArgumentError (`wire`) naming the first malformed event of a frame. */
export function assertEvents(events: readonly Buffer[]): void {
  for (let i = 0; i < events.length; i++) {
    const problem = eventProblem(events[i]!);
    if (problem) throw new InvalidArgumentError("wire", `event ${i + 1} of ${events.length} is malformed (${problem})`);
  }
}

/** A batch read lazily: the serialized events (slices sharing the input buffer) and its sequence. */
export interface RelayBatch {
  sequence: number;
  events: Buffer[];
}

/**
 * Reads a message whose `eventsField` is `repeated Event` (as bytes) and whose `sequenceField` is a
 * uint64. EventBatch: events 1, sequence 2. ProcessedBatch: sequence 1, events 2.
 */
function readBatch(buf: Buffer, eventsField: number, sequenceField: number): RelayBatch {
  const c: Cursor = { buf, pos: 0 };
  const events: Buffer[] = [];
  let sequence = 0;
  while (c.pos < buf.length) {
    const tag = readVarint(c);
    const field = Math.floor(tag / 8);
    const wt = tag & 7;
    if (field === eventsField && wt === WIRE_LEN) {
      const len = readVarint(c);
      const end = c.pos + len;
      if (end > buf.length) throw new InvalidArgumentError("wire", "truncated event in batch");
      events.push(buf.subarray(c.pos, end));
      c.pos = end;
    } else if (field === sequenceField && wt === WIRE_VARINT) {
      sequence = readVarint(c);
    } else {
      skipField(c, wt);
    }
  }
  return { sequence, events };
}

/** `flowctl.batch.v1.EventBatch` → serialized events + sequence, without decoding any event. */
export function readEventBatch(buf: Buffer): RelayBatch {
  return readBatch(buf, 1, 2);
}

/** `flowctl.batch.v1.ProcessedBatch` → output events + the acknowledged input sequence. */
export function readProcessedBatch(buf: Buffer): RelayBatch & { failed: number } {
  const b = readBatch(buf, 2, 1);
  return { ...b, failed: readUintField(buf, 3) };
}

/** `flowctl.batch.v1.BatchAck` (sequence 1, consumed 2, failed 3). */
export function readBatchAck(buf: Buffer): { sequence: number; consumed: number; failed: number } {
  return { sequence: readUintField(buf, 1), consumed: readUintField(buf, 2), failed: readUintField(buf, 3) };
}

/** `flowctl.v1.ConsumeResponse` (events_consumed 1, events_failed 2). */
export function readConsumeResponse(buf: Buffer): { consumed: number; failed: number } {
  return { consumed: readUintField(buf, 1), failed: readUintField(buf, 2) };
}

function readUintField(buf: Buffer, wanted: number): number {
  const c: Cursor = { buf, pos: 0 };
  let value = 0;
  while (c.pos < buf.length) {
    const tag = readVarint(c);
    const field = Math.floor(tag / 8);
    const wt = tag & 7;
    if (field === wanted && wt === WIRE_VARINT) value = readVarint(c);
    else skipField(c, wt);
  }
  return value;
}

/**
 * Writes `flowctl.batch.v1.EventBatch { events = 1 (each serialized Event), sequence = 2 }` in one
 * allocation: the per-event cost is a tag, a length and one copy.
 */
export function writeEventBatch(events: readonly Buffer[], sequence: number, count = events.length): Buffer {
  let size = 0;
  for (let i = 0; i < count; i++) {
    const len = events[i]!.length;
    size += 1 + varintSize(len) + len;
  }
  if (sequence > 0) size += 1 + varintSize(sequence);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const ev = events[i]!;
    out[pos++] = (1 << 3) | WIRE_LEN;
    pos = writeVarint(out, pos, ev.length);
    pos += ev.copy(out, pos);
  }
  if (sequence > 0) {
    out[pos++] = (2 << 3) | WIRE_VARINT;
    pos = writeVarint(out, pos, sequence);
  }
  return out;
}

/**
 * Writes `flowctl.batch.v1.SourceControl { request = 1 (StreamRequest{params = 1}), credits = 2 }`.
 * The request is only sent in the first message of a stream.
 */
export function writeSourceControl(credits: number, params?: Record<string, string>, received = 0): Buffer {
  const parts: Buffer[] = [];
  if (params) {
    const req = writeStreamRequest(params);
    parts.push(lenField(1, req));
  }
  for (const [field, value] of [[2, credits], [3, received]] as const) {
    if (value <= 0) continue;
    const b = Buffer.allocUnsafe(1 + varintSize(value));
    b[0] = (field << 3) | WIRE_VARINT;
    writeVarint(b, 1, value);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

/** `flowctl.v1.StreamRequest { map<string,string> params = 1 }`. */
export function writeStreamRequest(params: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(params)) {
    const entry = Buffer.concat([lenField(1, Buffer.from(k, "utf8")), lenField(2, Buffer.from(v, "utf8"))]);
    parts.push(lenField(1, entry));
  }
  return Buffer.concat(parts);
}

function lenField(field: number, body: Buffer): Buffer {
  const head = Buffer.allocUnsafe(1 + varintSize(body.length));
  head[0] = (field << 3) | WIRE_LEN;
  writeVarint(head, 1, body.length);
  return Buffer.concat([head, body]);
}

/** Which header field of an Event a partition key names. */
export type PartitionField = { kind: "id" } | { kind: "type" } | { kind: "metadata"; key: string };

/** Parses `id`, `type` or `metadata.<name>` (the spec's `partition_key`). */
export function parsePartitionKey(key: string): PartitionField {
  if (key === "id") return { kind: "id" };
  if (key === "type") return { kind: "type" };
  if (key.startsWith("metadata.") && key.length > "metadata.".length) return { kind: "metadata", key: key.slice("metadata.".length) };
  throw new InvalidArgumentError("partition_key", `must be "id", "type" or "metadata.<name>", got ${JSON.stringify(key)}`);
}

/**
 * Returns the raw bytes of the named header field of a serialized Event (a slice, no copy), or an
 * empty buffer when absent. The payload (field 3) is skipped by its length, never read.
 */
export function readEventKey(event: Buffer, field: PartitionField): Buffer {
  const c: Cursor = { buf: event, pos: 0 };
  const wantedField = field.kind === "id" ? 1 : field.kind === "type" ? 2 : 4;
  while (c.pos < event.length) {
    const tag = readVarint(c);
    const f = Math.floor(tag / 8);
    const wt = tag & 7;
    if (f === wantedField && wt === WIRE_LEN) {
      const len = readVarint(c);
      const body = event.subarray(c.pos, c.pos + len);
      c.pos += len;
      if (field.kind !== "metadata") return body;
      const entry = readMapEntry(body);
      if (entry.key === field.key) return entry.value;
    } else {
      skipField(c, wt);
    }
  }
  return EMPTY;
}

const EMPTY: Buffer = Buffer.alloc(0);

function readMapEntry(body: Buffer): { key: string; value: Buffer } {
  const c: Cursor = { buf: body, pos: 0 };
  let key = "";
  let value: Buffer = EMPTY;
  while (c.pos < body.length) {
    const tag = readVarint(c);
    const f = Math.floor(tag / 8);
    const wt = tag & 7;
    if (wt === WIRE_LEN && (f === 1 || f === 2)) {
      const len = readVarint(c);
      const slice = body.subarray(c.pos, c.pos + len);
      c.pos += len;
      if (f === 1) key = slice.toString("utf8");
      else value = slice;
    } else {
      skipField(c, wt);
    }
  }
  return { key, value };
}

/** FNV-1a over bytes: stable across processes and runs, so a key always lands on the same replica. */
export function hashBytes(bytes: Buffer): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** grpc-js (de)serializers that pass Buffers through: the relay forwards serialized messages. */
export const identitySerialize = (b: Buffer): Buffer => b;
export const identityDeserialize = (b: Buffer): Buffer => b;
