/**
 * Hand-written encoder for the data plane's hottest messages (`flowctl.v1.Event`, `EventBatch`,
 * `ProcessedBatch`). Profiles of the benchmark showed protobufjs encoding at 25–33 % of a source's
 * and a processor's CPU: its writer allocates an operation object per field and copies the result
 * once more in `finish()`. This encoder measures the message first, allocates one buffer per
 * message and writes each field once (strings with `Buffer#write`, payloads with one memcpy).
 *
 * Output is canonical proto3 (empty strings/bytes and zero numbers are omitted), so any protobuf
 * decoder — protobufjs, the relay's header reader, foreign engines — reads it like protobufjs's
 * output. Events with field values this encoder does not handle natively (negative or
 * non-integer numbers, int64 beyond 2^53, stellar cursors) fall back to protobufjs for that event
 * only. Long-valued seconds (what protobufjs decodes, so what a processor re-emits) are handled.
 */
import type protobuf from "protobufjs";
import type { WireEvent, WireTimestamp } from "./event-codec";
import { writeVarint } from "./varint";
import { LazyEvent } from "./lazy-event";

/** Wire types: 0 varint, 2 length-delimited. */
const tag = (field: number, wireType: number) => (field << 3) | wireType;

const T_ID = tag(1, 2);
const T_TYPE = tag(2, 2);
const T_PAYLOAD = tag(3, 2);
const T_METADATA = tag(4, 2);
const T_TIMESTAMP = tag(5, 2);
const T_SOURCE = tag(6, 2);
const T_CONTENT_TYPE = tag(7, 2);
const T_KEY = tag(1, 2);
const T_VALUE = tag(2, 2);
const T_FIELD1_VARINT = tag(1, 0);
const T_FIELD2_VARINT = tag(2, 0);

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function varintLen(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let len = 4;
  n = Math.floor(n / 0x10000000);
  while (n > 0) {
    len++;
    n = Math.floor(n / 0x80);
  }
  return len;
}

/** Unsigned integer this encoder can write as a varint (no Longs, no negatives, no fractions). */
const isPlainUint = (v: unknown): v is number => typeof v === "number" && v >= 0 && v <= MAX_SAFE && Math.floor(v) === v;

/** UTF-8 length of the last string seen in one field (type, source, content type repeat per event). */
class LastLength {
  private key = "";
  private len = 0;

  of(s: string | undefined | null): number {
    if (!s) return 0;
    if (s !== this.key) {
      this.key = s;
      this.len = Buffer.byteLength(s, "utf8");
    }
    return this.len;
  }
}

const typeLen = new LastLength();
const sourceLen = new LastLength();
const contentTypeLen = new LastLength();
const strLen = (s: string | undefined | null): number => (s ? Buffer.byteLength(s, "utf8") : 0);
const fieldLen = (n: number): number => (n === 0 ? 0 : 1 + varintLen(n) + n);

/**
 * Seconds of a timestamp as a plain number: protobufjs decodes int64 as a Long, which events
 * relayed by a processor still carry; -1 when negative or beyond 2^53 (protobufjs fallback).
 */
function secondsOf(ts: WireTimestamp): number {
  const v = ts.seconds;
  const n = typeof v === "number" ? v : v.toNumber();
  return isPlainUint(n) ? n : -1;
}

function timestampLen(ts: WireTimestamp): number {
  const s = secondsOf(ts);
  const n = ts.nanos;
  return (s === 0 ? 0 : 1 + varintLen(s)) + (n === 0 ? 0 : 1 + varintLen(n));
}

/**
 * Encoded size of `e`'s body, or -1 when it needs the protobufjs fallback. `strs` receives the
 * UTF-8 lengths of id, type, source, content type (so the write pass does not recompute them).
 */
function measureEvent(e: WireEvent, strs: Int32Array): number {
  const ts = e.timestamp;
  if (ts && (secondsOf(ts) < 0 || !isPlainUint(ts.nanos))) return -1;
  if (e.stellarCursor) return -1;
  const id = strLen(e.id);
  const type = typeLen.of(e.type);
  const src = sourceLen.of(e.sourceComponentId);
  const ct = contentTypeLen.of(e.contentType);
  strs[0] = id;
  strs[1] = type;
  strs[2] = src;
  strs[3] = ct;
  let n = fieldLen(id) + fieldLen(type) + fieldLen(src) + fieldLen(ct);
  const payload = e.payload;
  if (payload && payload.length > 0) n += 1 + varintLen(payload.length) + payload.length;
  if (ts) {
    const tl = timestampLen(ts);
    n += 1 + varintLen(tl) + tl;
  }
  const md = e.metadata;
  if (md) {
    for (const k in md) {
      const entry = fieldLen(Buffer.byteLength(k, "utf8")) + fieldLen(Buffer.byteLength(md[k]!, "utf8"));
      n += 1 + varintLen(entry) + entry;
    }
  }
  return n;
}

/** `Buffer#utf8Write` skips `write()`'s argument juggling; present on every Node Buffer. */
type Utf8Writable = Buffer & { utf8Write(s: string, offset: number, length: number): number };

function writeString(buf: Buffer, pos: number, t: number, s: string, len: number): number {
  if (len === 0) return pos;
  buf[pos++] = t;
  pos = writeVarint(buf, pos, len);
  if (len === s.length && len < 48) {
    // Short ASCII (ids, types): a byte loop beats the native call's fixed cost.
    for (let i = 0; i < len; i++) buf[pos + i] = s.charCodeAt(i);
  } else (buf as Utf8Writable).utf8Write(s, pos, len);
  return pos + len;
}

function writeEvent(buf: Buffer, pos: number, e: WireEvent, strs: Int32Array): number {
  pos = writeString(buf, pos, T_ID, e.id, strs[0]!);
  pos = writeString(buf, pos, T_TYPE, e.type, strs[1]!);
  const payload = e.payload;
  if (payload && payload.length > 0) {
    buf[pos++] = T_PAYLOAD;
    pos = writeVarint(buf, pos, payload.length);
    buf.set(payload, pos);
    pos += payload.length;
  }
  const md = e.metadata;
  if (md) {
    for (const k in md) {
      const v = md[k]!;
      const kl = Buffer.byteLength(k, "utf8");
      const vl = Buffer.byteLength(v, "utf8");
      buf[pos++] = T_METADATA;
      pos = writeVarint(buf, pos, fieldLen(kl) + fieldLen(vl));
      pos = writeString(buf, pos, T_KEY, k, kl);
      pos = writeString(buf, pos, T_VALUE, v, vl);
    }
  }
  const ts = e.timestamp;
  if (ts) {
    const s = secondsOf(ts);
    buf[pos++] = T_TIMESTAMP;
    pos = writeVarint(buf, pos, timestampLen(ts));
    if (s !== 0) {
      buf[pos++] = T_FIELD1_VARINT;
      pos = writeVarint(buf, pos, s);
    }
    if (ts.nanos !== 0) {
      buf[pos++] = T_FIELD2_VARINT;
      pos = writeVarint(buf, pos, ts.nanos);
    }
  }
  pos = writeString(buf, pos, T_SOURCE, e.sourceComponentId ?? "", strs[2]!);
  pos = writeString(buf, pos, T_CONTENT_TYPE, e.contentType ?? "", strs[3]!);
  return pos;
}

/** A message with a repeated Event field plus leading/trailing scalar fields. */
interface BatchShape {
  /** Field number of `repeated Event`. */
  eventsField: number;
  /** Fields written before the events (sequence for ProcessedBatch). */
  head: [field: number, value: number][];
  /** Fields written after the events (sequence for EventBatch, failed for ProcessedBatch). */
  tail: [field: number, value: number][];
  /** Length-delimited string fields written last (ProcessedBatch errors). */
  strings?: [field: number, values: string[]];
}

/** Encoder of Event-carrying messages with a protobufjs fallback for unusual events. */
export class EventEncoder {
  private readonly strs = new Int32Array(4);

  constructor(private readonly eventType: protobuf.Type) {}

  /** One `flowctl.v1.Event`. */
  event(e: WireEvent): Buffer {
    if (e instanceof LazyEvent && e.reusableLength() >= 0) {
      const out = Buffer.allocUnsafe(e.reusableLength());
      e.copyTo(out, 0);
      return out;
    }
    const n = measureEvent(e, this.strs);
    if (n < 0) return this.fallback(e);
    const buf = Buffer.allocUnsafe(n);
    writeEvent(buf, 0, e, this.strs);
    return buf;
  }

  /** A message of shape `shape` carrying `events`; undefined when a scalar needs protobufjs (Longs). */
  batch(events: readonly WireEvent[], shape: BatchShape): Buffer | undefined {
    for (const [, v] of shape.head) if (!isPlainUint(v)) return undefined;
    for (const [, v] of shape.tail) if (!isPlainUint(v)) return undefined;
    const count = events.length;
    const sizes = new Int32Array(count);
    const strs = new Int32Array(count * 4);
    const fallbacks: (Buffer | undefined)[] = [];
    // Events still equal to the bytes they were decoded from are copied as those bytes.
    const reused: (LazyEvent | undefined)[] = [];
    let total = 0;
    for (const [, v] of shape.head) if (v !== 0) total += 1 + varintLen(v);
    for (const [, v] of shape.tail) if (v !== 0) total += 1 + varintLen(v);
    const errorLens: number[] = [];
    if (shape.strings) {
      for (const s of shape.strings[1]) {
        const l = Buffer.byteLength(s, "utf8");
        errorLens.push(l);
        total += 1 + varintLen(l) + l;
      }
    }
    const scratch = this.strs;
    for (let i = 0; i < count; i++) {
      const ev = events[i]!;
      if (ev instanceof LazyEvent) {
        const len = ev.reusableLength();
        if (len >= 0) {
          reused[i] = ev;
          sizes[i] = len;
          total += 1 + varintLen(len) + len;
          continue;
        }
      }
      let n = measureEvent(ev, scratch);
      if (n < 0) {
        const fb = this.fallback(events[i]!);
        fallbacks[i] = fb;
        n = fb.length;
      } else strs.set(scratch, i * 4);
      sizes[i] = n;
      total += 1 + varintLen(n) + n;
    }
    const buf = Buffer.allocUnsafe(total);
    let pos = 0;
    for (const [f, v] of shape.head) {
      if (v === 0) continue;
      buf[pos++] = tag(f, 0);
      pos = writeVarint(buf, pos, v);
    }
    const t = tag(shape.eventsField, 2);
    for (let i = 0; i < count; i++) {
      buf[pos++] = t;
      pos = writeVarint(buf, pos, sizes[i]!);
      const fb = fallbacks[i];
      const raw = reused[i];
      if (raw) pos = raw.copyTo(buf, pos);
      else if (fb) {
        buf.set(fb, pos);
        pos += fb.length;
      } else {
        scratch.set(strs.subarray(i * 4, i * 4 + 4));
        pos = writeEvent(buf, pos, events[i]!, scratch);
      }
    }
    for (const [f, v] of shape.tail) {
      if (v === 0) continue;
      buf[pos++] = tag(f, 0);
      pos = writeVarint(buf, pos, v);
    }
    if (shape.strings) {
      const [f, values] = shape.strings;
      for (let i = 0; i < values.length; i++) {
        // Elements of a repeated field are written even when empty (an empty string is an element).
        const len = errorLens[i]!;
        buf[pos++] = tag(f, 2);
        pos = writeVarint(buf, pos, len);
        (buf as Utf8Writable).utf8Write(values[i]!, pos, len);
        pos += len;
      }
    }
    if (pos !== total) throw new Error(`event encoder: wrote ${pos} bytes, measured ${total}`);
    return buf;
  }

  private fallback(e: WireEvent): Buffer {
    const bytes = this.eventType.encode(e as unknown as protobuf.Message).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
