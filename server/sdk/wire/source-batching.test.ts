/**
 * Adaptive source batching (BATCH_FLUSH_INTERVAL_MS unset = 0): a partial batch leaves as soon as
 * the producer pauses and a credit is free — no timer — and keeps filling while no credit is free.
 */
import { describe, expect, it } from "vitest";
import { createEvent } from "../event";
import type { FlowEvent } from "../types";
import type { ServiceDeps } from "./deps";
import { pumpBatches, type CreditFlow } from "./source-service";

const ev = (n: number) => createEvent({ type: "t", payload: n });

/** A producer whose chunks are pushed by the test; `end()` finishes it. */
function controlledProducer() {
  const chunks: FlowEvent[][] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  async function* gen(): AsyncGenerator<FlowEvent[]> {
    for (;;) {
      while (chunks.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
      if (chunks.length === 0) return;
      yield chunks.shift()!;
    }
  }
  return {
    it: gen(),
    push(events: FlowEvent[]) {
      chunks.push(events);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
  };
}

function credits(initial: number) {
  let n = initial;
  let waiter: (() => void) | undefined;
  const flow: CreditFlow = {
    hasCredit: () => n > 0,
    nextCredit: () => new Promise<void>((r) => (waiter = r)),
  };
  return {
    flow,
    take: () => n--,
    grant(k: number) {
      n += k;
      const w = waiter;
      waiter = undefined;
      w?.();
    },
  };
}

const deps = { batchSize: 100, lingerMs: 0, metrics: { errors: 0 }, logger: { error: () => undefined }, ctx: { componentId: "c" } } as unknown as ServiceDeps;
const turn = () => new Promise<void>((r) => setImmediate(r));

/** Pumps a controlled producer with `initialCredits`, recording each sent batch's size. */
function startPump(initialCredits: number, serviceDeps: ServiceDeps = deps) {
  const p = controlledProducer();
  const c = credits(initialCredits);
  const sent: number[] = [];
  const done = pumpBatches(p.it, serviceDeps, async (events) => {
    c.take();
    sent.push(events.length);
    return true;
  }, c.flow);
  return { p, c, sent, done };
}

describe("adaptive source batching (lingerMs 0)", () => {
  it("sends a partial batch once the producer pauses and a credit is free, without any timer", async () => {
    const { p, sent, done } = startPump(4);
    p.push([ev(1), ev(2), ev(3)]);
    await turn();
    await turn();
    // The producer is waiting (no timer has been advanced, none exists): the 3 events left already.
    expect(sent).toEqual([3]);
    p.push([ev(4)]);
    await turn();
    await turn();
    expect(sent).toEqual([3, 1]);
    p.end();
    await done;
  });

  it("keeps filling the batch while no credit is free, and sends it when one arrives", async () => {
    const { p, c, sent, done } = startPump(0);
    p.push([ev(1), ev(2)]);
    await turn();
    p.push([ev(3)]);
    await turn();
    p.push([ev(4), ev(5)]);
    await turn();
    expect(sent).toEqual([]);
    c.grant(1);
    await turn();
    await turn();
    expect(sent).toEqual([5]);
    p.end();
    await done;
  });

  it("still closes full batches at batchSize", async () => {
    const { p, sent, done } = startPump(10, { ...deps, batchSize: 4 } as ServiceDeps);
    p.push(Array.from({ length: 10 }, (_, i) => ev(i)));
    p.end();
    await done;
    expect(sent).toEqual([4, 4, 2]);
  });
});
