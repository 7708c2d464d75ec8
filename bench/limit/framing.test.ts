import protobuf from "protobufjs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countField, reframeToProcessed } from "./framing";

const PROTO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../proto");

async function types() {
  const root = new protobuf.Root();
  root.resolvePath = (_o, t) => (path.isAbsolute(t) ? t : path.join(PROTO_DIR, t));
  await root.load("flowctl/batch/v1/batch.proto");
  return { EventBatch: root.lookupType("flowctl.batch.v1.EventBatch"), ProcessedBatch: root.lookupType("flowctl.batch.v1.ProcessedBatch") };
}

describe("ceiling framing", () => {
  it("re-frames an EventBatch into the ProcessedBatch protobufjs decodes to the same events and sequence", async () => {
    const { EventBatch, ProcessedBatch } = await types();
    const events = Array.from({ length: 150 }, (_, i) => ({ id: `e${i}`, type: "t", payload: Buffer.alloc(i * 10, 7), metadata: { k: String(i) }, sourceComponentId: "s" }));
    const batch = EventBatch.encode({ events, sequence: 300_000 }).finish();
    expect(countField(batch, 1)).toBe(150);
    const processed = reframeToProcessed(batch);
    expect(countField(processed, 2)).toBe(150);
    const decoded = ProcessedBatch.toObject(ProcessedBatch.decode(processed), { longs: Number }) as { sequence: number; events: { id: string; payload: Buffer }[] };
    expect(decoded.sequence).toBe(300_000);
    expect(decoded.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(decoded.events[149]!.payload.length).toBe(1490);
  });
});
