import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EdgeQueue } from "./edge-queue";

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

  it("accounts delivered bytes and blocked time", () => {
    const q = new EdgeQueue("a", "b", 1, "block");
    q.push(Buffer.alloc(10));
    expect(q.full).toBe(true);
    expect(q.blockedMsNow()).toBeGreaterThanOrEqual(0);
    q.shift();
    expect(q.dequeuedBytes).toBe(10);
    expect(q.blockedMs).toBeGreaterThanOrEqual(0);
    expect(q.shift()).toBeUndefined();
  });
});
