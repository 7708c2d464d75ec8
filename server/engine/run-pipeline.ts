/**
 * `runPipeline()`: one run of one pipeline. Records the run, starts (or joins) the control plane,
 * and hands over to {@link PipelineRun}, which starts the router worker and the supervisor and
 * drives the run to a terminal status: COMPLETED (every source ended and everything drained into
 * the sinks), STOPPED (stop(), abort signal, --for, StopPipelineRun) or FAILED (start failure,
 * crash loop, unrecoverable exit, an engine error).
 */
import path from "node:path";
import { randomUUID } from "node:crypto";
import { FlowError, toFlowError } from "../core/errors";
import type { Logger } from "../core/logger";
import { silentLogger } from "../core/logger";
import type { ComponentDriver } from "../drivers/driver";
import { AttachDriver } from "../drivers/attach/attach-driver";
import { ProcessDriver } from "../drivers/process/process-driver";
import { createEngineMetrics } from "../metrics/engine-metrics";
import type { Store } from "../storage/store";
import { ExternalRunRecord } from "./external-run-record";
import { ownedRunIds, stopOwnedRun } from "./owned-runs";
import { PipelineRun } from "./pipeline-run";
import { connectControlPlane, type RunControlPlane } from "./run-control-plane";
import { RunEventLog } from "./run-events";
import type { RunHandle, RunPipelineOptions } from "./run-types";

export type * from "./run-types";
export { ownedRun, ownedRunController, ownedRunIds, stopAllOwnedRuns, stopOwnedRun } from "./owned-runs";

/** Starts a run; resolves as soon as the run is recorded and its components are starting. */
export async function runPipeline(opts: RunPipelineOptions): Promise<RunHandle> {
  const logger = opts.logger ?? silentLogger;
  const pipeline = opts.pipeline;
  if (opts.attach && opts.controlPlane && opts.controlPlane.mode !== "embedded") {
    throw new FlowError("INVALID_ARGUMENT", "attach mode needs the run's own (embedded) control plane: the components register there and the engine watches them");
  }
  // In attach mode the engine starts nothing, so spec.driver (kubernetes, docker …) is whoever does.
  if (!opts.attach && pipeline.driver !== "process" && pipeline.driver !== "local") {
    throw new FlowError("FAILED_PRECONDITION", `spec.driver: ${pipeline.driver} is not available in this engine; use driver: process (components run as local processes)`);
  }
  const cwd = opts.file ? path.dirname(path.resolve(opts.file)) : path.resolve(opts.cwd ?? process.cwd());
  const logDir = path.resolve(opts.logDir ?? path.join(process.cwd(), ".flowctl", "logs"));
  const store = opts.store;
  const runId = randomUUID();
  const startedAt = new Date();
  // Runs of earlier engines are reaped with the process driver whatever this run uses.
  const reaper = opts.driver ?? new ProcessDriver({ logDir });

  if (store) {
    await reapInterruptedRuns(store, reaper, logger);
    await store.runs.create({
      runId,
      pipelineName: pipeline.name,
      ...(opts.pipelineVersionId ? { pipelineVersionId: opts.pipelineVersionId } : {}),
      status: "STARTING",
      startedAt,
      configYaml: opts.configYaml,
      componentIds: pipeline.components.map((c) => c.id),
    });
  }

  let resolveRecorded!: () => void;
  const recorded = { promise: new Promise<void>((r) => (resolveRecorded = r)), resolve: () => resolveRecorded() };
  let controlPlane: RunControlPlane;
  try {
    controlPlane = await connectControlPlane(opts.controlPlane ?? { mode: "embedded" }, {
      ...(opts.registry ? { registry: opts.registry } : {}),
      ...(store ? { store } : {}),
      // The embedded control plane serves this run only.
      runController: { stopRun: async (id) => id === runId && (await stopOwnedRun(id)), ownsRun: (id) => id === runId },
      logger,
    });
  } catch (err) {
    // Nothing started yet: the run ends FAILED right here, and the caller gets the error.
    await store?.runs.update(runId, { status: "FAILED", error: toFlowError(err).message }).catch((e: unknown) => logger.error("run record not updated", { runId, error: String(e) }));
    throw err;
  }

  const driver = opts.attach ? new AttachDriver({ registry: controlPlane.localRegistry! }) : reaper;

  // Like the original: the run is recorded on the external control plane too (a mirror; the local
  // store stays the source of truth). Failures there are logged, never fatal.
  const cp = opts.controlPlane;
  const externalRun = cp?.mode === "external" ? new ExternalRunRecord(cp.endpoint, runId, logger, cp.token, controlPlane.externalTls) : undefined;
  // Not awaited (an unreachable server must not hold the start up); later updates queue behind it.
  externalRun?.create({ pipelineName: pipeline.name, configYaml: opts.configYaml, componentIds: pipeline.components.map((c) => c.id) }).catch((err: unknown) => logger.warn("run record on the external control plane not created", { runId, error: String(err) }));

  const run = new PipelineRun({
    runId,
    pipeline,
    opts,
    cwd,
    logDir,
    gracePeriodMs: opts.gracePeriodMs ?? 10_000,
    metrics: opts.metrics ?? createEngineMetrics(),
    store,
    logger,
    startedAt,
    events: new RunEventLog(runId, store, logger),
    controlPlane,
    driver,
    externalRun,
    recorded,
  });
  run.start();
  return run.handle;
}

/** Marks runs whose engine died INTERRUPTED and ends what they left running. */
async function reapInterruptedRuns(store: Store, driver: ComponentDriver, logger: Logger): Promise<void> {
  const interrupted = await store.runs.markInterrupted({ except: ownedRunIds() });
  for (const id of interrupted) {
    const reaped = driver.reap(id);
    if (reaped.length > 0) logger.warn("stopped components left behind by an interrupted run", { runId: id, pids: reaped });
  }
}
