/**
 * Records the metric window a real run of a pipeline produces, as a diagnosis fixture
 * (`server/diagnosis/fixtures/*.json`) or for a look at the raw numbers the diagnosis reads:
 *
 *   node --import tsx scripts/record-diagnosis-window.ts <pipeline.yaml> [--for 25s] [--window 10s]
 *        [--description "…"] [--out fixture.json]
 *
 * Runs the pipeline with the real engine (as `flowctl diagnose <file>` does), observes it, and
 * prints `{ description, expected, window }` with the window ending at the end of the observation
 * and `expected` set to what the current diagnosis says (review it before committing a fixture).
 */
import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { ComponentRegistry } from "../server/control-plane/registry";
import { loadPipeline } from "../server/core/spec/index";
import { parseDuration } from "../server/core/units";
import { diagnose } from "../server/diagnosis/diagnose";
import { runPipeline } from "../server/engine/run-pipeline";
import { createLogger } from "../server/lifecycle/logger";
import { collectMetricWindow } from "../server/metrics/collect-window";
import { observeRun } from "../server/metrics/observe-run";
import { registryHeartbeats } from "../server/services/live-run.service";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { for: { type: "string", default: "25s" }, window: { type: "string", default: "10s" }, description: { type: "string", default: "" }, out: { type: "string" } },
});
const file = positionals[0];
if (!file) throw new Error("usage: record-diagnosis-window.ts <pipeline.yaml> [--for 25s] [--window 10s] [--description …] [--out file]");
const forMs = parseDuration(values.for) ?? 25_000;
const windowMs = parseDuration(values.window) ?? 10_000;
const text = await readFile(file, "utf8");
const loaded = loadPipeline(text, { file });
if (!loaded.pipeline) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
const logger = createLogger({ level: "warn" });
const registry = new ComponentRegistry();
const handle = await runPipeline({ pipeline: loaded.pipeline, configYaml: text, file: path.resolve(file), registry, controlPlane: { mode: "embedded", port: 0 }, console: false, logger });
const observing = new AbortController();
const observer = observeRun(handle, { signal: observing.signal, windowMs, logger, heartbeats: registryHeartbeats(registry) });
try {
  await Promise.race([new Promise((r) => setTimeout(r, forMs)), handle.done]);
  const at = handle.state === "running" ? Date.now() : (handle.runningEndedAt?.getTime() ?? Date.now());
  const window = await collectMetricWindow(observer.query, handle.topology(), { atMs: at, windowMs });
  const report = diagnose(window);
  const b = report.bottleneck;
  const expected = !b ? null : b.kind === "edge" ? { kind: "edge", edge: b.edge } : b.kind === "host" ? { kind: "host" } : { kind: "component", component: b.component };
  const json = JSON.stringify({ description: values.description, expected, window }, null, 1) + "\n";
  if (values.out) writeFileSync(values.out, json);
  else process.stdout.write(json);
  process.stderr.write(`${b ? `${b.kind} ${b.component ?? JSON.stringify(b.edge) ?? ""}: ${b.reason}` : "no bottleneck"}\n`);
} finally {
  observing.abort();
  await observer.stop();
  await handle.stop("recorded");
}
