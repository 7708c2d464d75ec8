import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dataPlaneServices, eventCodec, msToTimestamp, timestampToMs, wireTypes } from "./event-codec";

const eventArb = fc.record(
  {
    id: fc.string({ unit: "grapheme" }),
    type: fc.constantFrom("", "t", "flowctl.load.v1", "événement.v1"),
    payload: fc.uint8Array({ maxLength: 300 }),
    metadata: fc.dictionary(fc.string({ maxLength: 8, unit: "grapheme" }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
    timestamp: fc.oneof(
      fc.constant(null),
      fc.record({ seconds: fc.integer({ min: -5, max: 2 ** 40 }), nanos: fc.integer({ min: 0, max: 999_999_999 }) }),
    ),
    sourceComponentId: fc.string({ maxLength: 12 }),
    contentType: fc.constantFrom("", "application/json", "text/plain"),
    stellarCursor: fc.oneof(fc.constant(undefined), fc.record({ ledgerSequence: fc.integer({ min: 0, max: 2 ** 31 }), indexInLedger: fc.nat(1000) })),
  },
  { requiredKeys: ["id", "type", "payload"] },
);

describe("event codec", () => {
  it("round-trips any batch of events (and agrees with protobufjs' object form)", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 5 }), fc.integer({ min: 0, max: 2 ** 50 }), (events, sequence) => {
        const back = eventCodec.eventBatch.decode(eventCodec.eventBatch.encode({ events, sequence }));
        expect(back.sequence).toBe(sequence);
        expect(back.events).toHaveLength(events.length);
        back.events.forEach((e, i) => {
          const want = events[i]!;
          expect(e.id).toBe(want.id);
          expect(e.type).toBe(want.type);
          expect(Buffer.from(e.payload).equals(Buffer.from(want.payload))).toBe(true);
          expect({ ...e.metadata }).toEqual(want.metadata ?? {});
          expect(timestampToMs(e.timestamp)).toBe(timestampToMs(want.timestamp));
          expect(e.sourceComponentId).toBe(want.sourceComponentId ?? "");
          expect(e.contentType).toBe(want.contentType ?? "");
        });
      }),
      { numRuns: 200 },
    );
  });

  it("reads an EventBatch's field 1 as repeated bytes (what a relay forwards)", () => {
    const ev = { id: "a", type: "t", payload: Buffer.from("p") };
    const batch = eventCodec.eventBatch.encode({ sequence: 3, events: [ev, ev] });
    const single = eventCodec.event.encode(ev);
    // Field 1 (wire type 2) holds exactly the serialized Event bytes.
    expect(batch.subarray(0, 2)).toEqual(Buffer.from([0x0a, single.length]));
    expect(batch.subarray(2, 2 + single.length).equals(single)).toBe(true);
  });

  it("keeps sub-millisecond time and defines every data-plane method path", () => {
    expect(timestampToMs(msToTimestamp(1234.5678))).toBeCloseTo(1234.5678, 6);
    expect(dataPlaneServices.batchSource.StreamBatches.path).toBe("/flowctl.batch.v1.BatchSourceService/StreamBatches");
    expect(dataPlaneServices.consumer.Consume.requestStream).toBe(true);
    expect(dataPlaneServices.consumer.Consume.responseStream).toBe(false);
    expect(wireTypes.Event.fields.stellarCursor!.id).toBe(8);
  });
});
