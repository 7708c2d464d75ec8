/**
 * Events decoded on demand: a batch's events stay bytes until a field is read, and only that field
 * is decoded. An event returned unchanged whose payload was never handed out goes back on the wire
 * as its original bytes (the encoder copies them), so a pass-through, or a processor routing on
 * type or metadata, pays neither the decode nor the re-encode; a sink reading only timestamps
 * decodes nothing else. Components opt in (`lazyDecode` on the definition): a LazyEvent is not a
 * plain object — spreading it copies nothing (use withEvent), and its metadata and timestamp are
 * frozen (a change goes through a setter, or withEvent).
 */
import { timestampToMs, type WireEvent, type WireEventBatch, type WireTimestamp } from "./event-codec";

/** Buffer's unchecked decoders (present on every Node Buffer). */
type FastBuffer = Buffer & { utf8Slice(start: number, end: number): string };

/**
 * Position after the last varint {@link readVarint} read. A module variable instead of a returned
 * pair: this runs for every field of every event, and a tuple per call was most of what a sink
 * reading timestamps allocated (young-generation GC pauses are what the latency tail is made of).
 */
let nextPos = 0;

/** Reads the varint at `pos`; the position after it is left in `nextPos`. */
function readVarint(buf: Uint8Array, pos: number): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const b = buf[pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      nextPos = pos;
      return value;
    }
    scale *= 128;
  }
}

/** Fields 1 and 2 of the last message {@link readPair} read (Timestamp, StellarCursor: two varints). */
let pairFirst = 0;
let pairSecond = 0;

/** Reads a message of two varint fields, 1 and 2, from `buf[start, end)` into pairFirst/pairSecond. */
function readPair(buf: Uint8Array, start: number, end: number): void {
  pairFirst = 0;
  pairSecond = 0;
  let pos = start;
  while (pos < end) {
    const tag = readVarint(buf, pos);
    const v = readVarint(buf, nextPos);
    if (tag === 0x08) pairFirst = v;
    else if (tag === 0x10) pairSecond = v;
    pos = nextPos;
  }
}

const EMPTY_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/** A `flowctl.v1.Event` read lazily from `msg[start, end)`. */
export class LazyEvent implements WireEvent {
  // Value ranges of each field in `msg` (−1: absent); metadata entries kept as a list.
  private idS = -1;
  private idE = -1;
  private typeS = -1;
  private typeE = -1;
  private payS = -1;
  private payE = -1;
  private tsS = -1;
  private tsE = -1;
  private srcS = -1;
  private srcE = -1;
  private ctS = -1;
  private ctE = -1;
  private cursorS = -1;
  private cursorE = -1;
  private metaRanges: number[] | undefined;
  private scanned = false;
  /** Set once a field was replaced or the payload (mutable) handed out: the bytes may be stale. */
  private changed = false;
  private _id: string | undefined;
  private _type: string | undefined;
  private _payload: Uint8Array | undefined;
  private _metadata: Record<string, string> | undefined;
  private _timestamp: WireTimestamp | null | undefined;
  private _source: string | undefined;
  private _contentType: string | undefined;
  private _cursor: WireEvent["stellarCursor"] | undefined;

  constructor(
    private readonly msg: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  private scan(): void {
    this.scanned = true;
    const b = this.msg;
    let pos = this.start;
    while (pos < this.end) {
      const tag = readVarint(b, pos);
      const wt = tag & 7;
      if (wt !== 2) {
        // Not a field of this Event's schema version: skip it like protobuf does.
        if (wt === 0) {
          readVarint(b, nextPos);
          pos = nextPos;
        } else pos = wt === 1 ? nextPos + 8 : wt === 5 ? nextPos + 4 : this.end;
        continue;
      }
      const len = readVarint(b, nextPos);
      const s = nextPos;
      const e = s + len;
      switch (tag >>> 3) {
        case 1:
          this.idS = s;
          this.idE = e;
          break;
        case 2:
          this.typeS = s;
          this.typeE = e;
          break;
        case 3:
          this.payS = s;
          this.payE = e;
          break;
        case 4:
          (this.metaRanges ??= []).push(s, e);
          break;
        case 5:
          this.tsS = s;
          this.tsE = e;
          break;
        case 6:
          this.srcS = s;
          this.srcE = e;
          break;
        case 7:
          this.ctS = s;
          this.ctE = e;
          break;
        case 8:
          this.cursorS = s;
          this.cursorE = e;
          break;
      }
      pos = e;
    }
  }

  private str(s: number, e: number): string {
    return s < 0 || s === e ? "" : (this.msg as FastBuffer).utf8Slice(s, e);
  }

  private ensure(): void {
    if (!this.scanned) this.scan();
  }

  get id(): string {
    if (this._id === undefined) {
      this.ensure();
      this._id = this.str(this.idS, this.idE);
    }
    return this._id;
  }
  set id(v: string) {
    this._id = v;
    this.changed = true;
  }

  get type(): string {
    if (this._type === undefined) {
      this.ensure();
      this._type = this.str(this.typeS, this.typeE);
    }
    return this._type;
  }
  set type(v: string) {
    this._type = v;
    this.changed = true;
  }

  /** A view of the event's bytes (no copy); handing it out ends byte reuse (it may be written to). */
  get payload(): Uint8Array {
    this.changed = true;
    if (this._payload === undefined) {
      this.ensure();
      this._payload = this.payS < 0 ? Buffer.alloc(0) : this.msg.subarray(this.payS, this.payE);
    }
    return this._payload;
  }
  set payload(v: Uint8Array) {
    this._payload = v;
    this.changed = true;
  }

  get metadata(): Record<string, string> {
    if (this._metadata === undefined) {
      this.ensure();
      if (!this.metaRanges) this._metadata = EMPTY_METADATA as Record<string, string>;
      else {
        const out: Record<string, string> = {};
        for (let i = 0; i < this.metaRanges.length; i += 2) {
          let pos = this.metaRanges[i]!;
          const end = this.metaRanges[i + 1]!;
          let key = "";
          let value = "";
          while (pos < end) {
            const tag = readVarint(this.msg, pos);
            const len = readVarint(this.msg, nextPos);
            const s = nextPos;
            if (tag === 0x0a) key = this.str(s, s + len);
            else if (tag === 0x12) value = this.str(s, s + len);
            pos = s + len;
          }
          out[key] = value;
        }
        this._metadata = Object.freeze(out);
      }
    }
    return this._metadata;
  }
  set metadata(v: Record<string, string>) {
    this._metadata = v;
    this.changed = true;
  }

  get timestamp(): WireTimestamp | null {
    if (this._timestamp === undefined) {
      this.ensure();
      if (this.tsS < 0) this._timestamp = null;
      else {
        readPair(this.msg, this.tsS, this.tsE);
        this._timestamp = Object.freeze({ seconds: pairFirst, nanos: pairSecond });
      }
    }
    return this._timestamp;
  }
  set timestamp(v: WireTimestamp | null) {
    this._timestamp = v;
    this.changed = true;
  }

  /**
   * The timestamp as milliseconds since the epoch, without building the `{seconds, nanos}` object
   * (a sink measures every event's latency from it).
   */
  timestampMs(): number | undefined {
    if (this._timestamp !== undefined) return timestampToMs(this._timestamp);
    this.ensure();
    if (this.tsS < 0) return undefined;
    readPair(this.msg, this.tsS, this.tsE);
    return pairFirst * 1000 + pairSecond / 1e6;
  }

  get sourceComponentId(): string {
    if (this._source === undefined) {
      this.ensure();
      this._source = this.str(this.srcS, this.srcE);
    }
    return this._source;
  }
  set sourceComponentId(v: string) {
    this._source = v;
    this.changed = true;
  }

  get contentType(): string {
    if (this._contentType === undefined) {
      this.ensure();
      this._contentType = this.str(this.ctS, this.ctE);
    }
    return this._contentType;
  }
  set contentType(v: string) {
    this._contentType = v;
    this.changed = true;
  }

  get stellarCursor(): WireEvent["stellarCursor"] {
    if (this._cursor === undefined) {
      this.ensure();
      if (this.cursorS < 0) this._cursor = null;
      else {
        readPair(this.msg, this.cursorS, this.cursorE);
        this._cursor = Object.freeze({ ledgerSequence: pairFirst, indexInLedger: pairSecond });
      }
    }
    return this._cursor;
  }
  set stellarCursor(v: WireEvent["stellarCursor"]) {
    this._cursor = v;
    this.changed = true;
  }

  /** Length of the original bytes while they still are this event, else −1 (encode the fields). */
  reusableLength(): number {
    return this.changed ? -1 : this.end - this.start;
  }

  /** Copies the original bytes into `target` at `pos` (only when {@link reusableLength} ≥ 0). */
  copyTo(target: Uint8Array, pos: number): number {
    target.set(this.msg.subarray(this.start, this.end), pos);
    return pos + this.end - this.start;
  }

  /** A plain object with every field (JSON.stringify, logging). */
  toJSON(): WireEvent {
    return {
      id: this.id,
      type: this.type,
      payload: this.payload,
      metadata: this.metadata,
      timestamp: this.timestamp,
      sourceComponentId: this.sourceComponentId,
      contentType: this.contentType,
      stellarCursor: this.stellarCursor,
    };
  }
}

/** Decodes an EventBatch's framing; its events stay undecoded {@link LazyEvent}s. */
export function decodeEventBatchLazy(msg: Buffer): WireEventBatch {
  const events: WireEvent[] = [];
  let sequence = 0;
  let pos = 0;
  while (pos < msg.length) {
    const tag = readVarint(msg, pos);
    if (tag === 0x0a) {
      const len = readVarint(msg, nextPos);
      const s = nextPos;
      events.push(new LazyEvent(msg, s, s + len));
      pos = s + len;
    } else if (tag === 0x10) {
      sequence = readVarint(msg, nextPos);
      pos = nextPos;
    } else {
      const wt = tag & 7;
      if (wt === 0) {
        readVarint(msg, nextPos);
        pos = nextPos;
      } else if (wt === 2) {
        const len = readVarint(msg, nextPos);
        pos = nextPos + len;
      } else pos = wt === 1 ? nextPos + 8 : nextPos + 4;
    }
  }
  return { events, sequence };
}

/** An event's timestamp in ms since the epoch; lazily decoded events answer without allocating. */
export function eventTimestampMs(e: WireEvent): number | undefined {
  return e instanceof LazyEvent ? e.timestampMs() : timestampToMs(e.timestamp);
}
