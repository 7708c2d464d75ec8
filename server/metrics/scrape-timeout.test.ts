import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { scrapeTimeout } from "./scrape-loop";

const blockFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe("scrapeTimeout", () => {
  it("aborts after its time when this process keeps up", async () => {
    const t = scrapeTimeout(20);
    await once(t.signal, "abort");
    expect((t.signal.reason as Error).message).toBe("timeout after 20 ms");
  });

  it("fired late because our own event loop was blocked, it waits once more before aborting", async () => {
    const t = scrapeTimeout(200);
    blockFor(600);
    // The late firing lands in the timers phase; by the check phase it has run and extended.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.signal.aborted).toBe(false);
    await once(t.signal, "abort");
    expect(t.signal.aborted).toBe(true);
  });

  it("clear() cancels it", async () => {
    const t = scrapeTimeout(10);
    t.clear();
    const other = scrapeTimeout(40);
    await once(other.signal, "abort");
    expect(t.signal.aborted).toBe(false);
  });
});
