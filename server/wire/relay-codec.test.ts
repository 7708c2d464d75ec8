import fc from "fast-check";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { PROTO_DIR } from "./protos";
import {
  hashBytes,
  parsePartitionKey,
  readBatchAck,
  readEventBatch,
  readEventKey,
  readProcessedBatch,
  writeEventBatch,
  writeSourceControl,
  eventProblem,
  assertEvents,
  writeStreamRequest,
} from "./relay-codec";

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => (target.startsWith("google/") ? target : `${PROTO_DIR}/${target}`);
root.loadSync(["flowctl/v1/common.proto", "flowctl/v1/source.proto", "flowctl/batch/v1/batch.proto"], { keepCase: false });
const Event = root.lookupType("flowctl.v1.Event");
const EventBatch = root.lookupType("flowctl.batch.v1.EventBatch");
const ProcessedBatch = root.lookupType("flowctl.batch.v1.ProcessedBatch");
const BatchAck = root.lookupType("flowctl.batch.v1.BatchAck");
const SourceControl = root.lookupType("flowctl.batch.v1.SourceControl");

const encodeEvent = (e: Record<string, unknown>) => Buffer.from(Event.encode(Event.create(e)).finish());

const eventArb = fc.record({
  id: fc.string(),
  type: fc.string(),
  payload: fc.uint8Array({ maxLength: 300 }),
  metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
});

describe("relay codec", () => {
  it("reads an EventBatch written by protobufjs as serialized events, byte for byte", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 20 }), fc.integer({ min: 0, max: 2 ** 40 }), (events, sequence) => {
        const encoded = events.map(encodeEvent);
        const wire = Buffer.from(EventBatch.encode(EventBatch.create({ events: events.map((e) => Event.create(e)), sequence })).finish());
        const batch = readEventBatch(wire);
        expect(batch.sequence).toBe(sequence);
        expect(batch.events.map((b) => b.toString("hex"))).toEqual(encoded.map((b) => b.toString("hex")));
      }),
    );
  });

  it("writes an EventBatch protobufjs decodes to the same events", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 20 }), fc.integer({ min: 1, max: 2 ** 40 }), (events, sequence) => {
        const wire = writeEventBatch(events.map(encodeEvent), sequence);
        const decoded = EventBatch.toObject(EventBatch.decode(wire), { longs: Number, bytes: Buffer }) as { events?: { id: string }[]; sequence: number };
        expect(decoded.sequence).toBe(sequence);
        expect((decoded.events ?? []).map((e) => e.id)).toEqual(events.map((e) => e.id));
      }),
    );
  });

  it("round-trips its own batches", () => {
    const events = [encodeEvent({ id: "a" }), encodeEvent({ id: "b", payload: Buffer.alloc(1000, 1) })];
    const batch = readEventBatch(writeEventBatch(events, 7));
    expect(batch.sequence).toBe(7);
    expect(batch.events).toEqual(events);
  });

  it("reads ProcessedBatch (sequence 1, events 2, failed 3) and BatchAck", () => {
    const pb = Buffer.from(ProcessedBatch.encode(ProcessedBatch.create({ sequence: 42, events: [Event.create({ id: "x" })], failed: 2 })).finish());
    const read = readProcessedBatch(pb);
    expect(read.sequence).toBe(42);
    expect(read.failed).toBe(2);
    expect(Event.decode(read.events[0]!).toJSON().id).toBe("x");
    const ack = Buffer.from(BatchAck.encode(BatchAck.create({ sequence: 9, consumed: 100, failed: 1, errors: ["e"] })).finish());
    expect(readBatchAck(ack)).toEqual({ sequence: 9, consumed: 100, failed: 1 });
  });

  it("writes SourceControl with the request only when given", () => {
    const first = SourceControl.toObject(SourceControl.decode(writeSourceControl(4, { start_ledger: "10" }))) as { request?: { params: Record<string, string> }; credits: number };
    expect(first).toEqual({ request: { params: { start_ledger: "10" } }, credits: 4 });
    const later = SourceControl.toObject(SourceControl.decode(writeSourceControl(1))) as { request?: unknown; credits: number };
    expect(later.request).toBeUndefined();
    expect(later.credits).toBe(1);
    expect(writeStreamRequest({})).toHaveLength(0);
    const acked = SourceControl.toObject(SourceControl.decode(writeSourceControl(0, undefined, 70_000)), { longs: Number }) as { credits?: number; received: number };
    expect(acked).toEqual({ received: 70_000 });
  });

  it("tells well-formed events from malformed or truncated ones", () => {
    const ev = Buffer.from(Event.encode(Event.create({ id: "x", type: "t", payload: Buffer.from("p") })).finish());
    expect(eventProblem(ev)).toBeUndefined();
    expect(eventProblem(Buffer.alloc(0))).toBeUndefined();
    expect(eventProblem(ev.subarray(0, ev.length - 1))).toMatch(/truncated/);
    expect(eventProblem(Buffer.from([0x0a, 0x64, 1, 2, 3]))).toMatch(/truncated/);
    expect(eventProblem(Buffer.from([0x00, 0x01]))).toMatch(/invalid field tag/);
    expect(eventProblem(Buffer.from([0x0f]))).toMatch(/wire type/);
    expect(() => assertEvents([ev, Buffer.from([0x0a, 0x05])])).toThrow(/^wire: event 2 of 2 is malformed/);
  });

  it("reads partition keys without decoding the payload", () => {
    const ev = encodeEvent({ id: "evt-1", type: "t.v1", payload: Buffer.alloc(2000, 7), metadata: { account: "GABC", other: "z" } });
    expect(readEventKey(ev, parsePartitionKey("id")).toString()).toBe("evt-1");
    expect(readEventKey(ev, parsePartitionKey("type")).toString()).toBe("t.v1");
    expect(readEventKey(ev, parsePartitionKey("metadata.account")).toString()).toBe("GABC");
    expect(readEventKey(ev, parsePartitionKey("metadata.missing"))).toHaveLength(0);
  });

  it("rejects partition keys it cannot read, naming the field", () => {
    expect(() => parsePartitionKey("payload")).toThrow(/partition_key: must be "id", "type" or "metadata.<name>"/);
    expect(() => parsePartitionKey("metadata.")).toThrow(/partition_key/);
  });

  it("hashes keys stably and spreads them", () => {
    expect(hashBytes(Buffer.from("abc"))).toBe(hashBytes(Buffer.from("abc")));
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) buckets[hashBytes(Buffer.from(`key-${i}`)) % 4]!++;
    for (const b of buckets) expect(b).toBeGreaterThan(800);
  });

  it("reports truncated input as an error instead of reading past the end", () => {
    const wire = writeEventBatch([encodeEvent({ id: "abc", payload: Buffer.alloc(50) })], 1);
    expect(() => readEventBatch(wire.subarray(0, wire.length - 10))).toThrow(/truncated/);
  });
});
