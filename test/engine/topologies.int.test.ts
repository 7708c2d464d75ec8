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
});
