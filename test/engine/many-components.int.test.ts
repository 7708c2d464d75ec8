/**
 * A pipeline with more components than Node's default listener limit (10) starts without
 * "MaxListenersExceededWarning: Possible EventTarget memory leak detected": every instance waits
 * for its registration under the run's signal, which is the pipeline's size, not a leak.
 */
import fs from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { afterEach, expect, it } from "vitest";
import type { RunHandle } from "../../server/engine/run-pipeline";
import { startRun, tempDir, waitFor } from "./engine-harness";

let handle: RunHandle | undefined;
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
afterEach(async () => {
  process.off("warning", onWarning);
  await handle?.stop("test done");
  handle = undefined;
});

it("starts 14 components without a listener-leak warning", async () => {
  process.on("warning", onWarning);
  const dir = tempDir();
  const file = path.join(dir, "wide.yaml");
  const sinks = Array.from({ length: 13 }, (_, i) => ({ id: `out${i}`, type: "blackhole", inputs: ["gen"] }));
  fs.writeFileSync(file, stringify({ apiVersion: "flowctl/v1", kind: "Pipeline", metadata: { name: "wide" }, spec: { sources: [{ id: "gen", type: "load-generator", env: { EVENTS_PER_SECOND: 10 } }], sinks } }));
  handle = await startRun(file, { cwd: dir });
  const h = handle;
  await waitFor("the run to be RUNNING", () => h.state === "running", 60_000);
  expect(h.topology().components).toHaveLength(14);
  expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message)).toEqual([]);
});
