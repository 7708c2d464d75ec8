/**
 * Protobuf framing walked by hand, for the ceiling chain: counting the events of a batch and
 * re-framing an EventBatch's events into a ProcessedBatch copy each event's bytes once and decode
 * none of them — the least work any processor or sink can do with these messages.
 */

/** Reads a varint at `pos`; returns [value, next position]. Values beyond 2^53 are not needed here. */
export function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let shift = 1;
  for (;;) {
    const b = buf[pos++]!;
    value += (b & 0x7f) * shift;
    if (b < 0x80) return [value, pos];
    shift *= 128;
  }
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeVarint(buf: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** Skips the value of a field with wire type `wt` at `pos`. */
function skip(buf: Uint8Array, pos: number, wt: number): number {
  if (wt === 0) return readVarint(buf, pos)[1];
  if (wt === 1) return pos + 8;
  if (wt === 5) return pos + 4;
  if (wt === 2) {
    const [len, p] = readVarint(buf, pos);
    return p + len;
  }
  throw new Error(`unsupported wire type ${wt}`);
}

/** Number of occurrences of `field` at the top level of a message. */
export function countField(buf: Uint8Array, field: number): number {
  let pos = 0;
  let n = 0;
  while (pos < buf.length) {
    const [tag, p] = readVarint(buf, pos);
    if (tag >>> 3 === field) n++;
    pos = skip(buf, p, tag & 7);
  }
  return n;
}

/**
 * EventBatch{events = 1, sequence = 2} → ProcessedBatch{sequence = 1, events = 2}: the same event
 * bytes under the other field number, every event passed through unchanged.
 */
export function reframeToProcessed(batch: Uint8Array): Buffer {
  const events: Array<[number, number]> = [];
  let sequence = 0;
  let size = 0;
  let pos = 0;
  while (pos < batch.length) {
    const [tag, p] = readVarint(batch, pos);
    if (tag === ((1 << 3) | 2)) {
      const [len, start] = readVarint(batch, p);
      events.push([start, len]);
      size += 1 + varintSize(len) + len;
      pos = start + len;
    } else if (tag === ((2 << 3) | 0)) {
      [sequence, pos] = readVarint(batch, p);
    } else pos = skip(batch, p, tag & 7);
  }
  size += 1 + varintSize(sequence);
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  out[o++] = (1 << 3) | 0;
  o = writeVarint(out, o, sequence);
  for (const [start, len] of events) {
    out[o++] = (2 << 3) | 2;
    o = writeVarint(out, o, len);
    out.set(batch.subarray(start, start + len), o);
    o += len;
  }
  return out;
}
