/**
 * Queue capacity is a promise (issue: flowctl_edge_queue_depth was seen at 1100–2536 on queues of
 * capacity 1000 — the batched wire's credits let producers overshoot). With a stalled sink behind
 * a processor, on both wires: the source stops, every edge fills up to its capacity and never goes
 * above it (the router's peak depth per edge, and the exported gauge sampled throughout).
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunHandle } from "../../server/engine/run-pipeline";
import { readCount, startRun, tempDir, waitFor, writePipeline } from "./engine-harness";

const runs: RunHandle[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop("test cleanup")));
});

const CAPACITY = 200;

/** Largest `flowctl_edge_queue_depth` value exported right now. */
async function gaugeMax(handle: RunHandle): Promise<number> {
  const m = await handle.metrics.registry.getSingleMetric("flowctl_edge_queue_depth")!.get();
  return Math.max(0, ...m.values.map((v) => v.value));
}

/**
 * Resolves once the source has stopped sending (two reads of its count file 500 ms apart agree),
 * calling `sample` on every poll.
 */
async function sourceStalled(countFile: string, sample: () => Promise<void> | void = () => undefined): Promise<void> {
  let last = -1;
  await waitFor(
    "the source to stall behind the full queues",
    async () => {
      await sample();
      const now = readCount(countFile);
      const stable = now > 0 && now === last;
      last = now;
      return stable;
    },
    30_000,
    500,
  );
}

describe.each(["batch", "event"] as const)("stalled sink on the %s wire", (wire) => {
  it("queue depth fills to capacity and never exceeds it", async () => {
    const dir = tempDir();
    const srcCount = path.join(dir, "src.count");
    const { file } = writePipeline(
      dir,
      {
        name: "queue-bound",
        sources: [{ id: "src", env: { COUNT_FILE: srcCount, PAYLOAD_BYTES: 256 } }],
        processors: [{ id: "p", inputs: ["src"], queue: { capacity: CAPACITY, policy: "block" } }],
        sinks: [{ id: "sink", inputs: ["p"], env: { STALL: 1 }, queue: { capacity: CAPACITY, policy: "block" } }],
      },
      wire,
    );
    const handle = await startRun(file, { router: { statsIntervalMs: 20 } });
    runs.push(handle);
    let sampledMax = 0;
    // Until the source stops, sample the exported gauge.
    await sourceStalled(srcCount, async () => {
      sampledMax = Math.max(sampledMax, await gaugeMax(handle));
    });
    // Stats arrive every 20 ms: wait for the snapshot that shows both queues full.
    await waitFor("both queues to be full", () => handle.snapshot().filter((c) => c.role !== "source").every((c) => c.queueDepth === CAPACITY), 10_000);
    sampledMax = Math.max(sampledMax, await gaugeMax(handle));
    const byId = Object.fromEntries(handle.snapshot().map((c) => [c.id, c]));
    expect(byId.p!.queuePeakDepth).toBe(CAPACITY);
    expect(byId.sink!.queuePeakDepth).toBe(CAPACITY);
    expect(sampledMax).toBe(CAPACITY);
    const summary = await handle.stop("test");
    expect(summary.components.find((c) => c.id === "sink")!.dropped).toBe(0);
    expect(Math.max(...summary.components.map((c) => c.queuePeakDepth))).toBe(CAPACITY);
  });
});

describe("a capacity that is not a multiple of the batch size", () => {
  it("is never exceeded by a whole batch arriving into the remaining room", async () => {
    // Batches of 100 into capacity 250: after two batches 50 places are left; a third batch must
    // wait for room instead of taking the queue to 300.
    const capacity = 250;
    const dir = tempDir();
    const srcCount = path.join(dir, "src.count");
    const { file } = writePipeline(
      dir,
      {
        name: "queue-bound-odd",
        sources: [{ id: "src", env: { COUNT_FILE: srcCount, PAYLOAD_BYTES: 256 } }],
        sinks: [{ id: "sink", inputs: ["src"], env: { STALL: 1 }, queue: { capacity, policy: "block" } }],
      },
      "batch",
    );
    const handle = await startRun(file, { router: { statsIntervalMs: 20 } });
    runs.push(handle);
    await sourceStalled(srcCount);
    const sink = () => handle.snapshot().find((c) => c.id === "sink")!;
    await waitFor("the queue to hold what the source sent", () => sink().queueDepth > 0, 10_000);
    expect(sink().queuePeakDepth).toBeLessThanOrEqual(capacity);
    expect(sink().queuePeakDepth).toBeGreaterThanOrEqual(capacity - 100);
    expect(await gaugeMax(handle)).toBeLessThanOrEqual(capacity);
  });
});

describe("a processor that emits several events per input", () => {
  it("overruns its out-edge by at most one answer: then its inputs are sized to the room its outputs need", async () => {
    const dir = tempDir();
    const srcCount = path.join(dir, "src.count");
    const { file } = writePipeline(
      dir,
      {
        name: "fan-out-processor",
        sources: [{ id: "src", env: { COUNT_FILE: srcCount, PAYLOAD_BYTES: 64 } }],
        processors: [{ id: "p", inputs: ["src"], env: { FANOUT: 10 } }],
        sinks: [{ id: "sink", inputs: ["p"], env: { STALL: 1 }, queue: { capacity: CAPACITY, policy: "block" } }],
      },
      "batch",
    );
    const handle = await startRun(file, { router: { statsIntervalMs: 20 } });
    runs.push(handle);
    await sourceStalled(srcCount);
    const sink = () => handle.snapshot().find((c) => c.id === "sink")!;
    await waitFor("the sink's queue to fill", () => sink().queueDepth >= CAPACITY - 10, 10_000);
    // The first answer teaches the router the ratio; until then one batch of 100 inputs may
    // answer 1000 events into an empty queue — after that the bound holds.
    // (Before outputs were reserved per input, 16 batches in flight answered 16,000 events.)
    expect(sink().queuePeakDepth).toBeLessThanOrEqual(1000);
  });
});

describe("queue.max_bytes", () => {
  it.each(["batch", "event"] as const)("bounds the bytes a queue of large events holds (%s wire)", async (wire) => {
    const dir = tempDir();
    const srcCount = path.join(dir, "src.count");
    const maxBytes = 4 * 1024 * 1024;
    const eventBytes = 16 * 1024;
    const { file } = writePipeline(
      dir,
      {
        name: "queue-bytes",
        // 16 KiB events: the count bound (1000) alone would let the queue hold ~16 MiB.
        sources: [{ id: "src", env: { COUNT_FILE: srcCount, PAYLOAD_BYTES: eventBytes } }],
        sinks: [{ id: "sink", inputs: ["src"], env: { STALL: 1 }, queue: { capacity: 1000, max_bytes: "4Mi" } }],
      },
      wire,
    );
    const handle = await startRun(file, { router: { statsIntervalMs: 20 } });
    runs.push(handle);
    await sourceStalled(srcCount);
    const sink = () => handle.snapshot().find((c) => c.id === "sink")!;
    await waitFor("the queue to hold events", () => sink().queueDepth > 0, 10_000);
    const peakEvents = sink().queuePeakDepth;
    // At most max_bytes worth queued (plus, per event, the one that crossed it): far below the count bound.
    expect(peakEvents * eventBytes).toBeLessThanOrEqual(maxBytes + eventBytes);
    expect(peakEvents).toBeGreaterThanOrEqual(50);
  });
});
