import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EdgeQueue } from "./edge-queue";
import { isProducerWaiting, mayNodeProduce } from "./router-backpressure";
import { NodeRt } from "./router-node";

afterEach(() => {
  vi.restoreAllMocks();
});

const ev = (n: number) => Buffer.from(String(n));

describe("EdgeQueue", () => {
  it("is FIFO across growth and wrap-around", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 500 }), (ops) => {
        const q = new EdgeQueue("a", "b", 4, "block");
        const model: number[] = [];
        let next = 0;
        for (const push of ops) {
          if (push) {
            q.push(ev(next));
            model.push(next++);
          } else {
            const got = q.shift();
            const want = model.shift();
            expect(got?.toString()).toBe(want === undefined ? undefined : String(want));
          }
          expect(q.depth).toBe(model.length);
        }
      }),
    );
  });

  it("block: reports full at capacity and never drops", () => {
    const q = new EdgeQueue("a", "b", 3, "block");
    q.push(ev(1));
    q.push(ev(2));
    expect(q.full).toBe(false);
    q.push(ev(3));
    expect(q.full).toBe(true);
    // In-flight events arriving after the pause are kept, not dropped.
    q.push(ev(4));
    expect(q.depth).toBe(4);
    expect(q.dropped).toBe(0);
    q.shift();
    q.shift();
    expect(q.full).toBe(false);
  });

  it("drop_oldest: keeps the newest `capacity` events and counts drops", () => {
    const q = new EdgeQueue("a", "b", 3, "drop_oldest");
    for (let i = 1; i <= 10; i++) q.push(ev(i));
    expect(q.full).toBe(false);
    expect(q.depth).toBe(3);
    expect(q.dropped).toBe(7);
    expect([q.shift(), q.shift(), q.shift()].map((b) => b!.toString())).toEqual(["8", "9", "10"]);
    expect(q.dequeued).toBe(3);
  });

  it("accounts delivered bytes and the time the queue was full", () => {
    const clock = fakeClock();
    const q = new EdgeQueue("a", "b", 1, "block");
    q.push(Buffer.alloc(10));
    expect(q.full).toBe(true);
    clock.advance(40);
    expect(q.blockedMsNow()).toBe(40);
    q.shift();
    clock.advance(100);
    expect(q.dequeuedBytes).toBe(10);
    expect(q.blockedMs).toBe(40);
    expect(q.blockedMsNow()).toBe(40);
    expect(q.shift()).toBeUndefined();
  });

  it("counts a producer waiting below capacity as blocked, until it may produce again", () => {
    const clock = fakeClock();
    const q = new EdgeQueue("a", "b", 50, "block");
    for (let i = 0; i < 30; i++) q.push(ev(i));
    expect(q.full).toBe(false);
    q.setProducerWaiting(true);
    expect(q.blocking).toBe(true);
    clock.advance(25);
    // Draining some events does not end the wait: only the producer being granted room does.
    q.shift();
    clock.advance(5);
    expect(q.blockedMsNow()).toBe(30);
    q.setProducerWaiting(false);
    clock.advance(100);
    expect(q.blockedMsNow()).toBe(30);
    expect(q.blocking).toBe(false);
  });
});

describe("mayNodeProduce", () => {
  function producer(capacity: number): { node: NodeRt; q: EdgeQueue } {
    const node = new NodeRt({ id: "src", role: "source", instances: ["src"], capacity: 1000, policy: "block", batchSize: 100, lingerMs: 1 });
    const q = new EdgeQueue("src", "sink", capacity, "block");
    node.outEdges.push(q);
    return { node, q };
  }

  it("lets one oversized batch into an empty queue, then holds the producer back and marks the edge", () => {
    fakeClock();
    const { node, q } = producer(50);
    expect(mayNodeProduce(node, 100)).toBe(true);
    expect(q.blocking).toBe(false);
    for (let i = 0; i < 30; i++) q.push(ev(i));
    // 20 free, batch of 100, nothing reserved: the producer waits on this edge although it is not full.
    expect(mayNodeProduce(node, 100)).toBe(false);
    expect(q.full).toBe(false);
    expect(q.blocking).toBe(true);
    expect(isProducerWaiting(node)).toBe(true);
    while (q.depth > 0) q.shift();
    expect(mayNodeProduce(node, 100)).toBe(true);
    expect(isProducerWaiting(node)).toBe(false);
  });
});

/** Replaces performance.now() with a clock the test advances (restored after each test). */
function fakeClock(): { advance(ms: number): void } {
  let now = 1_000;
  vi.spyOn(performance, "now").mockImplementation(() => now);
  return { advance: (ms) => void (now += ms) };
}
