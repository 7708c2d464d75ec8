import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventCodec, timestampToMs, type WireEvent } from "./event-codec";
import { decodeEventBatchLazy, eventTimestampMs, LazyEvent } from "./lazy-event";

const event = (i: number, extra: Partial<WireEvent> = {}): WireEvent => ({
  id: `gen-${i}`,
  type: "t.v1",
  payload: Buffer.from(`{"i":${i}}`),
  metadata: i % 2 ? { region: "eu", k: `v${i}` } : {},
  timestamp: { seconds: 1_700_000_000 + i, nanos: i * 1000 },
  sourceComponentId: "gen",
  contentType: "application/json",
  ...extra,
});

const batchBytes = (events: WireEvent[], sequence = 7) => eventCodec.eventBatch.encode({ events, sequence });

describe("lazy events", () => {
  it("decode every field as protobufjs does, and the sequence", () => {
    const events = [event(1), event(2), event(3, { stellarCursor: { ledgerSequence: 123456789012, indexInLedger: 4 } })];
    const bytes = batchBytes(events, 99);
    const lazy = decodeEventBatchLazy(bytes);
    const eager = eventCodec.eventBatch.decode(bytes);
    expect(lazy.sequence).toBe(99);
    expect(lazy.events.map((e) => e.id)).toEqual(eager.events.map((e) => e.id));
    for (let i = 0; i < events.length; i++) {
      const l = lazy.events[i]!;
      expect(l).toBeInstanceOf(LazyEvent);
      expect({ type: l.type, payload: Buffer.from(l.payload).toString(), metadata: { ...l.metadata }, ts: l.timestamp, src: l.sourceComponentId, ct: l.contentType }).toEqual({
        type: events[i]!.type,
        payload: Buffer.from(events[i]!.payload).toString(),
        metadata: events[i]!.metadata,
        ts: events[i]!.timestamp,
        src: "gen",
        ct: "application/json",
      });
    }
    expect(lazy.events[2]!.stellarCursor).toEqual({ ledgerSequence: 123456789012, indexInLedger: 4 });
  });

  it("an unchanged event is re-sent as its original bytes; reading type or metadata keeps it unchanged", () => {
    const bytes = batchBytes([event(1), event(2)]);
    const lazy = decodeEventBatchLazy(bytes);
    expect(lazy.events[0]!.type).toBe("t.v1");
    expect(lazy.events[1]!.metadata).toEqual({});
    const out = eventCodec.processedBatch.encode({ sequence: 7, events: lazy.events, failed: 0, errors: [] });
    const back = eventCodec.processedBatch.decode(out);
    expect(back.events.map((e) => e.id)).toEqual(["gen-1", "gen-2"]);
    expect((lazy.events[0] as LazyEvent).reusableLength()).toBeGreaterThan(0);
  });

  it("a change (setter, or a payload handed out and written to) is encoded from the fields", () => {
    const lazy = decodeEventBatchLazy(batchBytes([event(1), event(2)]));
    const a = lazy.events[0]!;
    const b = lazy.events[1]!;
    a.type = "changed.v1";
    b.payload[2] = "j".charCodeAt(0); // in place: the view shares the message's memory
    const back = eventCodec.processedBatch.decode(eventCodec.processedBatch.encode({ sequence: 1, events: [a, b], failed: 0, errors: [] }));
    expect(back.events[0]!.type).toBe("changed.v1");
    expect(Buffer.from(back.events[1]!.payload).toString()).toBe('{"j":2}');
  });

  it("metadata and timestamp are read-only (a change goes through a setter)", () => {
    const e = decodeEventBatchLazy(batchBytes([event(1)])).events[0]!;
    expect(() => {
      (e.metadata as Record<string, string>).x = "y";
    }).toThrow(TypeError);
    e.metadata = { ...e.metadata, x: "y" };
    const back = eventCodec.event.decode(eventCodec.event.encode(e));
    expect(back.metadata).toEqual({ region: "eu", k: "v1", x: "y" });
  });

  it("timestamp in ms without decoding the object agrees with the decoded timestamp, absent or set", () => {
    const [withTs, withoutTs] = decodeEventBatchLazy(batchBytes([event(5), event(6, { timestamp: null })])).events as LazyEvent[];
    expect(withTs!.timestampMs()).toBe(timestampToMs(event(5).timestamp));
    expect(withoutTs!.timestampMs()).toBeUndefined();
    withoutTs!.timestamp = { seconds: 10, nanos: 500_000 };
    expect(withoutTs!.timestampMs()).toBe(10_000.5);
    expect(eventTimestampMs(withTs!)).toBe(withTs!.timestampMs());
    expect(eventTimestampMs(event(7))).toBe(timestampToMs(event(7).timestamp));
  });

  it("round-trips any event through decode → encode unchanged (property)", () => {
    const arb = fc.record({
      id: fc.string(),
      type: fc.string(),
      payload: fc.uint8Array({ maxLength: 300 }),
      metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
      timestamp: fc.option(fc.record({ seconds: fc.integer({ min: 0, max: 2 ** 40 }), nanos: fc.integer({ min: 0, max: 999_999_999 }) }), { nil: null }),
      sourceComponentId: fc.string(),
      contentType: fc.string(),
    });
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 5 }), (events) => {
        const bytes = batchBytes(events as WireEvent[], 3);
        const lazy = decodeEventBatchLazy(bytes);
        const reencoded = eventCodec.eventBatch.encode({ events: lazy.events, sequence: 3 });
        expect(Buffer.compare(reencoded, bytes)).toBe(0);
        const fields = lazy.events.map((e) => ({ id: e.id, type: e.type, metadata: { ...e.metadata }, src: e.sourceComponentId, ct: e.contentType, ts: e.timestamp }));
        expect(fields).toEqual(events.map((e) => ({ id: e.id, type: e.type, metadata: e.metadata, src: e.sourceComponentId, ct: e.contentType, ts: e.timestamp })));
        expect(decodeEventBatchLazy(bytes).events.map((e) => (e as LazyEvent).timestampMs())).toEqual(events.map((e) => timestampToMs(e.timestamp)));
      }),
    );
  });
});
