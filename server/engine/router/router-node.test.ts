/** NodeRt.take: batches bounded by count and by bytes (an oversized event still moves, alone). */
import { describe, expect, it } from "vitest";
import { BATCH_MAX_BYTES, batchEntryBytes } from "../../wire/relay-codec";
import { EdgeQueue } from "./edge-queue";
import { NodeRt } from "./router-node";

function sinkNode(): { node: NodeRt; q: EdgeQueue } {
  const node = new NodeRt({ id: "sink", role: "sink", instances: ["sink"], capacity: 1000, policy: "block", batchSize: 100, lingerMs: 1 });
  const q = new EdgeQueue("src", "sink", 1000, "block");
  node.inEdges.push(q);
  return { node, q };
}

const noop = () => undefined;

describe("NodeRt.take byte cap", () => {
  it("closes a batch before an event would take it over maxBytes", () => {
    const { node, q } = sinkNode();
    for (let i = 0; i < 10; i++) q.push(Buffer.alloc(1024 * 1024));
    const sizes: number[] = [];
    for (;;) {
      const batch = node.take(100, noop, BATCH_MAX_BYTES);
      if (batch.length === 0) break;
      const bytes = batch.reduce((a, e) => a + batchEntryBytes(e.length), 0);
      expect(bytes).toBeLessThanOrEqual(BATCH_MAX_BYTES);
      sizes.push(batch.length);
    }
    // 1 MiB + framing: one event per 2 MiB batch, and nothing is left behind.
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...sizes)).toBe(Math.floor(BATCH_MAX_BYTES / batchEntryBytes(1024 * 1024)));
  });

  it("an event bigger than the cap is taken alone, never stuck", () => {
    const { node, q } = sinkNode();
    q.push(Buffer.alloc(BATCH_MAX_BYTES + 10));
    q.push(Buffer.alloc(10));
    expect(node.take(100, noop, BATCH_MAX_BYTES).map((b) => b.length)).toEqual([BATCH_MAX_BYTES + 10]);
    expect(node.take(100, noop, BATCH_MAX_BYTES).map((b) => b.length)).toEqual([10]);
  });

  it("small events still fill a batch by count", () => {
    const { node, q } = sinkNode();
    for (let i = 0; i < 250; i++) q.push(Buffer.alloc(1024));
    expect(node.take(100, noop, BATCH_MAX_BYTES)).toHaveLength(100);
  });

  it("reports every edge it took from, so a producer waiting for room gets it", () => {
    const { node, q } = sinkNode();
    for (let i = 0; i < 5; i++) q.push(Buffer.alloc(8));
    const from: string[] = [];
    node.take(2, (id) => from.push(id));
    expect(from).toEqual(["src"]);
  });
});
