/**
 * The router runs as TypeScript inside a worker thread (tsx registered by the bootstrap), off the
 * main event loop: it answers with stats while the main thread is blocked.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RouterStats } from "./protocol";
import { RouterHost } from "./router-host";

const hosts: RouterHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

describe("RouterHost", () => {
  it("starts the TypeScript router in a worker thread and receives its stats", async () => {
    const stats: RouterStats[] = [];
    let failure: Error | undefined;
    const got = new Promise<void>((resolve) => {
      const host = new RouterHost(
        {
          type: "init",
          pipeline: "worker-test",
          nodes: [
            { id: "src", role: "source", instances: ["src"], capacity: 10, policy: "block", batchSize: 10, lingerMs: 1 },
            { id: "sink", role: "sink", instances: ["sink-0", "sink-1"], capacity: 10, policy: "drop_oldest", batchSize: 10, lingerMs: 1 },
          ],
          edges: [{ from: "src", to: "sink" }],
          statsIntervalMs: 20,
          debug: false,
        },
        {
          stats: (s) => {
            stats.push(s);
            resolve();
          },
          log: () => undefined,
          nodeEnded: () => undefined,
          completed: () => undefined,
          linkDown: () => undefined,
          rejected: () => undefined,
          failed: (err) => (failure = err),
        },
      );
      hosts.push(host);
    });
    // Block the main thread: the worker keeps running and its message waits in the queue.
    const until = Date.now() + 200;
    while (Date.now() < until) {
      /* busy on purpose */
    }
    await got;
    expect(failure).toBeUndefined();
    const s = stats[0]!;
    expect(s.edges).toEqual([
      {
        from: "src",
        to: "sink",
        depth: 0,
        peakDepth: 0,
        capacity: 10,
        queuedBytes: 0,
        peakBytes: 0,
        maxBytes: 0,
        events: 0,
        bytes: 0,
        blockedSeconds: 0,
        dropped: 0,
        produced: 0,
        delivered: 0,
        rejected: 0,
        lost: 0,
        abandoned: 0,
        filtered: 0,
      },
    ]);
    expect(s.nodes.find((n) => n.id === "sink")!.instances).toHaveProperty("sink-1");
  });
});
