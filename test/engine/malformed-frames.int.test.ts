/**
 * A component that sends a malformed or truncated frame fails its own link only: the frame is
 * logged, counted (protocolErrors), recorded (edge.protocol_error) and the component restarted by
 * its restart_policy — the router worker and the run carry on, and nothing already acknowledged is
 * counted twice.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import type { EngineEvent, RunHandle } from "../../server/engine/run-pipeline";
import { startRun, tempDir } from "./engine-harness";

const RAW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/foreign-components/raw-batch-component.mjs");
const runs: RunHandle[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop("test cleanup")));
});

function rawPipeline(dir: string, source: Record<string, string | number>, sink: Record<string, string | number>): string {
  const c = (id: string, env: Record<string, string | number>, extra: object = {}) => ({ id, command: [process.execPath, RAW], env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])), ...extra });
  const file = path.join(dir, "raw.yaml");
  fs.writeFileSync(
    file,
    stringify({
      apiVersion: "flowctl/v1",
      kind: "Pipeline",
      metadata: { name: "garbage" },
      spec: { sources: [c("src", { ROLE: "source", PAYLOAD_BYTES: 64, ...source })], sinks: [c("sink", { ROLE: "sink", ...sink }, { inputs: ["src"] })] },
    }),
  );
  return file;
}

describe("malformed frames", () => {
  it("a source sending a truncated batch is restarted; the run completes with an exact count", async () => {
    const dir = tempDir();
    const handle = await startRun(rawPipeline(dir, { EVENT_COUNT: 2000, GARBAGE_AT: 5 }, {}), { backoff: { initialMs: 50, maxMs: 200, factor: 2 } });
    runs.push(handle);
    const events: EngineEvent[] = [];
    handle.onEvent((e) => events.push(e));
    const summary = await handle.done;
    expect(summary.status).toBe("COMPLETED");
    const src = summary.components.find((c) => c.id === "src")!;
    expect(src).toMatchObject({ protocolErrors: 1, restarts: 1 });
    // Four good batches from the first process, then all 2000 from the restarted one.
    expect(summary.components.find((c) => c.id === "sink")!.eventsIn).toBe(400 + 2000);
    const protocol = events.find((e) => e.type === "edge.protocol_error")!;
    expect(protocol.componentId).toBe("src");
    expect(protocol.message).toMatch(/malformed frame from src: truncated/);
  });

  it("a sink answering with garbage is restarted and gets the unacknowledged batches again", async () => {
    const dir = tempDir();
    const handle = await startRun(rawPipeline(dir, { EVENT_COUNT: 3000 }, { GARBAGE_AT: 3 }), { backoff: { initialMs: 50, maxMs: 200, factor: 2 } });
    runs.push(handle);
    const summary = await handle.done;
    expect(summary.status).toBe("COMPLETED");
    const sink = summary.components.find((c) => c.id === "sink")!;
    expect(sink).toMatchObject({ protocolErrors: 1, restarts: 1, lost: 0 });
    expect(sink.eventsIn).toBe(3000);
    expect(sink.redelivered).toBeGreaterThan(0);
  });
});
