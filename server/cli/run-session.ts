/**
 * One `flowctl run` / `flowctl start` session: validates the file, opens what the run needs (store,
 * engine metrics, the /metrics server) with their clean-up in one ShutdownRegistry, starts the run,
 * announces its control plane (discovery), observes it, handles signals and engine errors
 * (process guards), prints as it goes, and resolves with the summary. Output is run-output.ts; the
 * engine options come from the flags (run-options.ts).
 */
import path from "node:path";
import pc from "picocolors";
import type { Logger } from "../core/logger";
import { formatDuration } from "../core/units";
import { ComponentRegistry } from "../control-plane/registry";
import { runPipeline, type RunHandle, type RunSummary } from "../engine/run-pipeline";
import { announceControlPlane } from "../lifecycle/discovery";
import { installProcessGuards } from "../lifecycle/process-guards";
import { ShutdownRegistry } from "../lifecycle/shutdown-registry";
import { handleSignals } from "../lifecycle/signals";
import { createEngineMetrics } from "../metrics/engine-metrics";
import { defaultTargetsFile } from "../metrics/file-sd";
import { observeLiveRun, serveEngineMetrics } from "../services/live-run.service";
import { openStore, type Store } from "../storage/store";
import { loadPipelineFile } from "./pipeline-file";
import { resolveRunControlPlane } from "./run-control-plane";
import { assertRunFlags, type RunFlags } from "./run-flags";
import { controlPlaneLabel, runOptionsFromFlags } from "./run-options";
import { formatEvent, out, printPreflight, renderSummary, startStatusLines } from "./run-output";

/** Validates and runs `file` with the flags; prints everything; resolves with the summary. */
export async function executeRun(file: string, flags: RunFlags, ctx: { logger: Logger; debug: boolean; addressGiven?: boolean }): Promise<RunSummary> {
  // Bad pipelines fail here, before anything is started.
  const tls = assertRunFlags(flags);
  const loaded = await loadPipelineFile(file);
  const cp = await resolveRunControlPlane({ ...flags, controlPlaneAddressGiven: ctx.addressGiven ?? false });
  if (cp.note) ctx.logger.info(cp.note);
  const pipeline = loaded.pipeline!;
  for (const d of loaded.diagnostics.filter((x) => x.severity === "warning")) ctx.logger.warn(d.message, { path: d.path });

  const store: Store = await openStore(flags.persistence ? (flags.dbPath ? { databaseUrl: `file:${path.resolve(flags.dbPath)}` } : {}) : { databaseUrl: "file::memory:" });
  // Everything opened below registers its clean-up here: the normal end and an engine error
  // (process guards) run the same hooks — the run first, the store last.
  const shutdown = new ShutdownRegistry(ctx.logger);
  shutdown.register("store", () => store.close(), 0);
  const unguard = installProcessGuards({ logger: ctx.logger, shutdown });
  let stopSignals: (() => void) | undefined;
  try {
    // Created here so /metrics can serve before the run starts and heartbeats feed the observer.
    const metrics = createEngineMetrics();
    const registry = flags.useExternalControlPlane ? undefined : new ComponentRegistry({ heartbeatTtlMs: flags.heartbeatTtl });
    const metricsServer = flags.metricsPort !== undefined ? await serveEngineMetrics(metrics.registry, flags.metricsPort, ctx.logger) : undefined;
    if (metricsServer) shutdown.register("metrics server", () => metricsServer.close(), 10);
    const h: RunHandle = await runPipeline({
      ...runOptionsFromFlags(flags, { cp, tls, env: process.env, console: out }),
      metrics,
      ...(registry ? { registry } : {}),
      pipeline,
      configYaml: loaded.source.text,
      file: loaded.source.absolutePath,
      store,
      logger: ctx.logger,
      debug: ctx.debug,
    });
    shutdown.register("run", () => h.stop("the engine is shutting down").then(() => undefined), 100);
    const topo = h.topology();
    if (!flags.useExternalControlPlane && topo.controlPlaneEndpoint) {
      const discovery = announceControlPlane("run", topo.controlPlaneEndpoint, { runId: h.runId, pipeline: pipeline.name, database: store.ephemeral ? null : store.file, tokenRequired: Boolean(process.env.FLOWCTL_TOKEN) }, ctx.logger);
      shutdown.register("discovery record", () => discovery?.remove(), 90);
    }
    printPreflight({
      file: loaded.source.file,
      pipeline,
      handle: h,
      controlPlane: `${topo.controlPlaneEndpoint} (${controlPlaneLabel(flags, tls)})`,
      database: store.ephemeral ? "(no persistence)" : store.file,
      logDir: flags.logDir,
      metricsUrl: metricsServer?.url,
      forMs: flags.for,
      attachEndpoint: flags.attach ? topo.controlPlaneEndpoint : undefined,
    });
    // Rollups and diagnosis findings are stored while the run is live: `flowctl diagnose <run-id>`.
    // …and its targets are in the file_sd file a Prometheus can watch (docs/prometheus.md).
    const obs = observeLiveRun(h, { store, ...(registry ? { registry } : {}), logger: ctx.logger, targetsFile: defaultTargetsFile() });
    shutdown.register("run observer", () => obs.stop(), 50);
    h.onEvent((e) => out(formatEvent(e)));
    stopSignals = handleSignals({
      onGraceful: (sig) => {
        out(pc.yellow(`\n${sig}: stopping (draining for up to ${formatDuration(flags.gracePeriod)}; press Ctrl-C again to force)`));
        h.stop(`${sig}`).catch((err: unknown) => ctx.logger.error("stopping the run failed", { error: String(err) }));
      },
      onForce: () => {
        out(pc.red("forcing stop"));
        h.forceStop();
      },
    });
    const status = (flags.showStatus ?? process.stdout.isTTY === true) ? startStatusLines(h, flags.statusInterval, () => obs.verdict()) : undefined;
    const summary = await h.done;
    clearInterval(status);
    // The observer writes its last rollup now, while the store is still open.
    await obs.stop();
    out();
    out(renderSummary(summary));
    return summary;
  } finally {
    stopSignals?.();
    await shutdown.shutdown();
    unguard();
  }
}
