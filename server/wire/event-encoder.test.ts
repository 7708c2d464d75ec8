/**
 * The hand-written encoder must produce bytes every protobuf decoder reads exactly like
 * protobufjs's own encoding: checked by decoding both with protobufjs (object form, int64 as
 * numbers) over generated events, including non-ASCII strings, metadata, Long-free and
 * fallback-only shapes (negative seconds, stellar cursors).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventCodec, wireTypes, type WireEvent } from "./event-codec";

const eventArb: fc.Arbitrary<WireEvent> = fc.record(
  {
    id: fc.string({ unit: "grapheme", maxLength: 60 }),
    type: fc.constantFrom("", "t", "flowctl.load.v1", "événement.v1"),
    payload: fc.uint8Array({ maxLength: 300 }),
    metadata: fc.dictionary(fc.string({ maxLength: 8, unit: "grapheme" }), fc.string({ maxLength: 8, unit: "grapheme" }), { maxKeys: 3 }),
    timestamp: fc.oneof(
      fc.constant(null),
      fc.record({ seconds: fc.integer({ min: -5, max: 2 ** 40 }), nanos: fc.integer({ min: 0, max: 999_999_999 }) }),
    ),
    sourceComponentId: fc.string({ maxLength: 70, unit: "grapheme" }),
    contentType: fc.constantFrom("", "application/json", "text/plain"),
    stellarCursor: fc.oneof(fc.constant(undefined), fc.record({ ledgerSequence: fc.integer({ min: 0, max: 2 ** 31 }), indexInLedger: fc.nat(1000) })),
  },
  { requiredKeys: ["id", "type", "payload"] },
);

const opts = { longs: Number, bytes: Array, defaults: true, arrays: true, objects: true } as const;
const viaProtobufjs = (type: typeof wireTypes.Event, msg: object) => type.toObject(type.decode(type.encode(type.fromObject(msg)).finish()), opts);
const viaEncoder = (type: typeof wireTypes.Event, bytes: Buffer) => type.toObject(type.decode(bytes), opts);

describe("event encoder", () => {
  it("encodes an Event that protobufjs decodes to the same message", () => {
    fc.assert(
      fc.property(eventArb, (e) => {
        expect(viaEncoder(wireTypes.Event, eventCodec.event.encode(e))).toEqual(viaProtobufjs(wireTypes.Event, e));
      }),
      { numRuns: 300 },
    );
  });

  it("encodes EventBatch and ProcessedBatch like protobufjs, sequence and errors included", () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 6 }),
        fc.integer({ min: 0, max: 2 ** 50 }),
        fc.nat(10),
        fc.array(fc.string({ unit: "grapheme", maxLength: 30 }), { maxLength: 3 }),
        (events, sequence, failed, errors) => {
          const batch = { events, sequence };
          expect(viaEncoder(wireTypes.EventBatch, eventCodec.eventBatch.encode(batch))).toEqual(viaProtobufjs(wireTypes.EventBatch, batch));
          const processed = { sequence, events, failed, errors };
          expect(viaEncoder(wireTypes.ProcessedBatch, eventCodec.processedBatch.encode(processed))).toEqual(viaProtobufjs(wireTypes.ProcessedBatch, processed));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("is smaller or equal to protobufjs's output (defaults omitted) and exact for a typical load event", () => {
    const e: WireEvent = {
      id: "gen-0-42",
      type: "flowctl.load.v1",
      payload: Buffer.alloc(1024, 120),
      timestamp: { seconds: 1_790_000_000, nanos: 123_000_000 },
      sourceComponentId: "gen-0",
      contentType: "application/json",
    };
    const ours = eventCodec.event.encode(e);
    const theirs = Buffer.from(wireTypes.Event.encode(e as never).finish());
    // No default-valued fields in this event: both encodings are canonical and identical.
    expect(ours.equals(theirs)).toBe(true);
    // Re-encoding the decoded event (int64 seconds now a protobufjs Long, as in a processor) too.
    const decoded = eventCodec.event.decode(ours);
    expect(eventCodec.event.encode(decoded).equals(theirs)).toBe(true);
  });
});
