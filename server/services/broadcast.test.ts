import { describe, expect, it } from "vitest";
import { Broadcast, type Delivery } from "./broadcast";

async function take<M>(it: AsyncGenerator<Delivery<M>>, n: number): Promise<Delivery<M>[]> {
  const out: Delivery<M>[] = [];
  for (let i = 0; i < n; i++) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe("Broadcast", () => {
  it("delivers the initial state first, then published messages in order", async () => {
    const b = new Broadcast<string>();
    const ac = new AbortController();
    const it = b.subscribe(ac.signal, ["state"]);
    expect(await take(it, 1)).toEqual([{ kind: "message", message: "state" }]);
    b.publish("e1");
    b.publish("e2");
    expect(await take(it, 2)).toEqual([
      { kind: "message", message: "e1" },
      { kind: "message", message: "e2" },
    ]);
    ac.abort();
  });

  it("keeps only the latest keyed message for a reader that has not read", async () => {
    const b = new Broadcast<number>();
    const ac = new AbortController();
    const it = b.subscribe(ac.signal);
    const first = it.next(); // starts the generator; waits for a message
    b.publish(1, "stats");
    expect((await first).value).toEqual({ kind: "message", message: 1 });
    for (let i = 2; i <= 1000; i++) b.publish(i, "stats");
    expect(await take(it, 1)).toEqual([{ kind: "message", message: 1000 }]);
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });

  it("drops the oldest keyless messages past the bound and reports the gap", async () => {
    const b = new Broadcast<number>({ maxQueued: 3 });
    const ac = new AbortController();
    const it = b.subscribe(ac.signal);
    const first = it.next();
    b.publish(0);
    await first;
    for (let i = 1; i <= 10; i++) b.publish(i);
    expect(await take(it, 4)).toEqual([
      { kind: "gap", skipped: 7 },
      { kind: "message", message: 8 },
      { kind: "message", message: 9 },
      { kind: "message", message: 10 },
    ]);
    ac.abort();
  });

  it("ends readers on close after they took what was pending, and forgets aborted readers", async () => {
    const b = new Broadcast<string>();
    const ac = new AbortController();
    const it = b.subscribe(ac.signal);
    const first = it.next();
    b.publish("last");
    b.close();
    expect((await first).value).toEqual({ kind: "message", message: "last" });
    expect((await it.next()).done).toBe(true);
    expect(b.size).toBe(0);
    const late = b.subscribe(new AbortController().signal);
    expect((await late.next()).done).toBe(true);
  });
});
