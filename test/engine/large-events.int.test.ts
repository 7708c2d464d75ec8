/**
 * Large events (issue: 1 MiB events were silently lost — 100-event batches of 1 MiB exceeded the
 * 64 MiB max message size). Checks, with real processes on both wires:
 * - 1 MiB events from the SDK load-generator through an SDK passthrough into a foreign sink (grpc-js
 *   default 4 MiB receive limit) arrive complete: exact count at the sink, no stream errors;
 * - a data-plane stream that fails (5 MiB events into a foreign sink that refuses > 4 MiB messages)
 *   is surfaced: a RunEvent naming the component and the gRPC status, and `streamErrors` counted.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { EngineEvent, RunHandle } from "../../server/engine/run-pipeline";
import { FIXTURE, readCount, startRun, tempDir, waitFor } from "./engine-harness";

const runs: RunHandle[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop("test cleanup")));
});

const MiB = 1024 * 1024;

function writeYaml(dir: string, spec: Record<string, unknown>): string {
  const file = path.join(dir, "pipeline.yaml");
  fs.writeFileSync(file, stringify({ apiVersion: "flowctl/v1", kind: "Pipeline", metadata: { name: "large-events" }, spec: { driver: "process", ...spec } }));
  return file;
}

describe.each(["event", "batch"] as const)("large events on the %s wire", (wire) => {
  it("1 MiB events arrive complete at the sink (exact count)", async () => {
    const dir = tempDir("flowctl-large-");
    const sinkCount = path.join(dir, "sink.count");
    const sdkWire = wire === "event" ? { FLOWCTL_WIRE: "event" } : {};
    const file = writeYaml(dir, {
      sources: [{ id: "gen", type: "load-generator", env: { EVENTS_PER_SECOND: "0", EVENT_COUNT: "60", EVENT_SIZE_BYTES: String(MiB), ...sdkWire } }],
      processors: [{ id: "relay", type: "passthrough", inputs: ["gen"], env: sdkWire }],
      sinks: [{ id: "sink", command: [process.execPath, FIXTURE], inputs: ["relay"], env: { ROLE: "sink", WIRE: wire, COUNT_FILE: sinkCount } }],
    });
    const handle = await startRun(file);
    runs.push(handle);
    const summary = await handle.done;
    expect(summary.error).toBeNull();
    expect(summary.status).toBe("COMPLETED");
    await waitFor("the sink's count file to reach 60", () => readCount(sinkCount) === 60, 10_000);
    const byId = Object.fromEntries(summary.components.map((c) => [c.id, c]));
    expect(byId.sink!.eventsIn).toBe(60);
    expect(byId.sink!.bytesIn).toBeGreaterThan(60 * MiB);
    expect(summary.components.map((c) => c.streamErrors)).toEqual([0, 0, 0]);
    expect(summary.components.map((c) => c.rejected)).toEqual([0, 0, 0]);
  });
});

it("a failing data-plane stream is logged as a RunEvent and counted, never silent", async () => {
  const dir = tempDir("flowctl-large-");
  // 5 MiB events: the foreign per-event sink keeps grpc-js's default 4 MiB receive limit.
  const file = writeYaml(dir, {
    sources: [{ id: "src", command: [process.execPath, FIXTURE], env: { ROLE: "source", WIRE: "event", EVENT_COUNT: "5", PAYLOAD_BYTES: String(5 * MiB) } }],
    sinks: [{ id: "sink", command: [process.execPath, FIXTURE], inputs: ["src"], env: { ROLE: "sink", WIRE: "event" } }],
  });
  const handle = await startRun(file);
  runs.push(handle);
  const seen: EngineEvent[] = [];
  handle.onEvent((e) => {
    if (e.type === "edge.stream_failed" || e.type === "edge.reconnected") seen.push(e);
  });
  await waitFor("a stream failure RunEvent for the sink", () => seen.some((e) => e.componentId === "sink"), 30_000);
  const summary = await handle.stop("test done");
  const event = seen.find((e) => e.componentId === "sink")!;
  expect(String(event.data?.reason)).toMatch(/RESOURCE_EXHAUSTED/);
  expect(event.message).toContain("sink");
  expect(summary.components.find((c) => c.id === "sink")!.streamErrors).toBeGreaterThanOrEqual(1);
  expect(summary.components.find((c) => c.id === "sink")!.eventsIn).toBe(0);
});
