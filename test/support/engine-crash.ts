/**
 * A process that embeds the engine like `flowctl run` / the console do (process guards + one
 * shutdown registry) and then hits a bug: an uncaught exception once its run is RUNNING.
 * Used by test/engine/engine-faults.int.test.ts.
 * argv: <pipeline.yaml> <database file> <log dir>
 */
import fs from "node:fs";
import { loadPipeline } from "../../server/core/spec";
import { runPipeline, stopAllOwnedRuns } from "../../server/engine/run-pipeline";
import { createLogger } from "../../server/lifecycle/logger";
import { installProcessGuards } from "../../server/lifecycle/process-guards";
import { ShutdownRegistry } from "../../server/lifecycle/shutdown-registry";
import { openStore } from "../../server/storage/store";

const [file, db, logDir] = process.argv.slice(2) as [string, string, string];
const logger = createLogger({ level: "info" });
const store = await openStore({ databaseUrl: `file:${db}` });
const shutdown = new ShutdownRegistry(logger);
shutdown.register("runs", () => stopAllOwnedRuns("engine error"), 100);
shutdown.register("store", () => store.close(), 0);
installProcessGuards({ logger, shutdown });
const yaml = fs.readFileSync(file, "utf8");
const handle = await runPipeline({ pipeline: loadPipeline(yaml, { file }).pipeline!, configYaml: yaml, file, store, logDir, logger, gracePeriodMs: 5_000 });
handle.onEvent((e) => {
  if (e.type !== "run.status" || e.data?.status !== "RUNNING") return;
  process.stdout.write(`RUNNING ${handle.runId}\n`);
  setTimeout(() => {
    throw new Error("boom: a bug in the engine");
  }, 0);
});
