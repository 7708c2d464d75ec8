/** Protobuf base-128 varints for non-negative integers up to 2^53, shared by the hand-written codecs. */

/** Bytes `v` takes as a varint. */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes `v` at `pos` and returns the position after it (division, not bit ops: values may exceed 2^31). */
export function writeVarint(buf: Buffer, pos: number, v: number): number {
  while (v >= 128) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}
