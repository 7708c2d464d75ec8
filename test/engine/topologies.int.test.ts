/**
 * Topologies with exact counts, over the per-event wire with foreign components (no SDK):
 * source→sink, linear chain, fan-out, fan-in, diamond, replicas.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunHandle } from "../../server/engine/run-pipeline";
import { readCount, startRun, tempDir, writePipeline } from "./engine-harness";

const runs: RunHandle[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop("test cleanup")));
});

async function run(file: string): Promise<Awaited<RunHandle["done"]>> {
  const handle = await startRun(file);
  runs.push(handle);
  return handle.done;
}

describe.each(["event", "batch"] as const)("topologies on the %s wire", (wire) => {
  it("source → sink delivers every event and completes", async () => {
    const dir = tempDir();
    const sinkCount = path.join(dir, "sink.count");
    const { file } = writePipeline(dir, { name: "direct", sources: [{ id: "src", env: { EVENT_COUNT: 2000 } }], sinks: [{ id: "sink", inputs: ["src"], env: { COUNT_FILE: sinkCount } }] }, wire);
    const summary = await run(file);
    expect(summary.error).toBeNull();
    expect(summary.status).toBe("COMPLETED");
    expect(readCount(sinkCount)).toBe(2000);
    expect(summary.components.find((c) => c.id === "sink")!.eventsIn).toBe(2000);
    expect(summary.eventsProcessed).toBe(2000);
  });

  it("linear chain in any YAML order: src → p1 → p2 → sink", async () => {
    const dir = tempDir();
    const sinkCount = path.join(dir, "sink.count");
    const { file } = writePipeline(
      dir,
      {
        name: "linear",
        sources: [{ id: "src", env: { EVENT_COUNT: 1500 } }],
        processors: [
          { id: "p1", inputs: ["src"] },
          { id: "p2", inputs: ["p1"] },
        ],
        sinks: [{ id: "sink", inputs: ["p2"], env: { COUNT_FILE: sinkCount } }],
      },
      wire,
    );
    const summary = await run(file);
    expect(summary.status).toBe("COMPLETED");
    expect(readCount(sinkCount)).toBe(1500);
    const byId = Object.fromEntries(summary.components.map((c) => [c.id, c]));
    expect(byId.p1!.eventsIn).toBe(1500);
    expect(byId.p2!.eventsOut).toBe(1500);
  });

  it("fan-out: each of 3 sinks receives every event", async () => {
    const dir = tempDir();
    const counts = [0, 1, 2].map((i) => path.join(dir, `sink${i}.count`));
    const { file } = writePipeline(
      dir,
      {
        name: "fan-out",
        sources: [{ id: "src", env: { EVENT_COUNT: 1000 } }],
        processors: [{ id: "p", inputs: ["src"] }],
        sinks: counts.map((c, i) => ({ id: `sink${i}`, inputs: ["p"], env: { COUNT_FILE: c } })),
      },
      wire,
    );
    const summary = await run(file);
    expect(summary.status).toBe("COMPLETED");
    expect(counts.map(readCount)).toEqual([1000, 1000, 1000]);
  });

  it("fan-in: a sink fed by 3 sources receives the sum", async () => {
    const dir = tempDir();
    const sinkCount = path.join(dir, "sink.count");
    const { file } = writePipeline(
      dir,
      {
        name: "fan-in",
        sources: [
          { id: "a", env: { EVENT_COUNT: 300 } },
          { id: "b", env: { EVENT_COUNT: 500 } },
          { id: "c", env: { EVENT_COUNT: 700 } },
        ],
        sinks: [{ id: "sink", inputs: ["a", "b", "c"], env: { COUNT_FILE: sinkCount } }],
      },
      wire,
    );
    const summary = await run(file);
    expect(summary.status).toBe("COMPLETED");
    expect(readCount(sinkCount)).toBe(1500);
  });

  it("diamond: src → (left, right) → sink receives every event twice", async () => {
    const dir = tempDir();
    const sinkCount = path.join(dir, "sink.count");
    const { file } = writePipeline(
      dir,
      {
        name: "diamond",
        sources: [{ id: "src", env: { EVENT_COUNT: 800 } }],
        processors: [
          { id: "left", inputs: ["src"] },
          { id: "right", inputs: ["src"] },
        ],
        sinks: [{ id: "sink", inputs: ["left", "right"], env: { COUNT_FILE: sinkCount } }],
      },
      wire,
    );
    const summary = await run(file);
    expect(summary.status).toBe("COMPLETED");
    expect(readCount(sinkCount)).toBe(1600);
  });

  it.each([undefined, "id"])("2 replicas of a processor (partition_key %s): sum is N and both are busy", async (partitionKey) => {
    const dir = tempDir();
    const sinkCount = path.join(dir, "sink.count");
    const { file } = writePipeline(
      dir,
      {
        name: "replicas",
        // Rate-limited so both replicas are needed while events trickle in.
        sources: [{ id: "src", env: { EVENT_COUNT: 3000, EVENTS_PER_SECOND: 6000 } }],
        processors: [{ id: "work", inputs: ["src"], replicas: 2, ...(partitionKey ? { partition_key: partitionKey } : {}) }],
        sinks: [{ id: "sink", inputs: ["work"], env: { COUNT_FILE: sinkCount } }],
      },
      wire,
    );
    const summary = await run(file);
    expect(summary.status).toBe("COMPLETED");
    expect(readCount(sinkCount)).toBe(3000);
    const work = summary.components.find((c) => c.id === "work")!;
    expect(Object.keys(work.instances).sort()).toEqual(["work-0", "work-1"]);
    const perInstance = Object.values(work.instances).map((i) => i.eventsIn);
    expect(perInstance[0]! + perInstance[1]!).toBe(3000);
    expect(Math.min(...perInstance)).toBeGreaterThan(0);
  });
});

describe("sink event-type filter (flowctl's input_event_types)", () => {
  it("offers a sink only the event types it declares", async () => {
    const dir = tempDir();
    const wanted = path.join(dir, "wanted.count");
    const other = path.join(dir, "other.count");
    const { file } = writePipeline(dir, {
      name: "type-filter",
      sources: [{ id: "src", env: { EVENT_COUNT: 400 } }],
      sinks: [
        { id: "wanted", inputs: ["src"], input_event_types: ["fixture.event"], env: { COUNT_FILE: wanted } },
        { id: "other", inputs: ["src"], input_event_types: ["something.else.v1"], env: { COUNT_FILE: other } },
      ],
    });
    const summary = await run(file);
    expect(summary.status).toBe("COMPLETED");
    expect(readCount(wanted)).toBe(400);
    expect(readCount(other)).toBe(0);
    expect(summary.components.find((c) => c.id === "other")!.filtered).toBe(400);
  });
});

describe("independent sub-graphs", () => {
  it("two unconnected pipelines in one file both complete", async () => {
    const dir = tempDir();
    const c1 = path.join(dir, "s1.count");
    const c2 = path.join(dir, "s2.count");
    const { file } = writePipeline(dir, {
      name: "two-graphs",
      sources: [
        { id: "a", env: { EVENT_COUNT: 400 } },
        { id: "b", env: { EVENT_COUNT: 600 } },
      ],
      sinks: [
        { id: "s1", inputs: ["a"], env: { COUNT_FILE: c1 } },
        { id: "s2", inputs: ["b"], env: { COUNT_FILE: c2 } },
      ],
    });
    const summary = await run(file);
    expect(summary.status).toBe("COMPLETED");
    expect([readCount(c1), readCount(c2)]).toEqual([400, 600]);
  });
});
