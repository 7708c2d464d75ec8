/**
 * The use cases behind `flowctl diagnose`: run a pipeline file for a while and diagnose it, or
 * diagnose a recorded run from its stored rollups and findings. The command file only parses
 * flags and renders; everything that starts, observes and stops lives here.
 */
import path from "node:path";
import { ComponentRegistry } from "../control-plane/registry";
import { FlowError } from "../core/errors";
import type { Logger } from "../core/logger";
import { loadPipeline, type LoadedPipeline } from "../core/spec/index";
import type { DiagnosisReport, Finding } from "../diagnosis/diagnosis-types";
import { diagnose } from "../diagnosis/diagnose";
import { runPipeline, type RunHandle, type RunSummary } from "../engine/run-pipeline";
import { collectMetricWindow, type WindowTopology } from "../metrics/collect-window";
import { observeRun, type RunObserver } from "../metrics/observe-run";
import { createMetricsQuery } from "../metrics/query/index";
import { loadRollups } from "../metrics/rollups";
import { SeriesStore } from "../metrics/series-store";
import { openStore, type Store } from "../storage/store";
import { registryHeartbeats } from "./live-run.service";
import { activeFindings } from "./run-views";
import { compareWithPreviousRun } from "./run-comparison";
import type { RunEventRecord, RunRecord } from "../core/run";
import { announceControlPlane, readDiscovery, type DiscoveryRecord } from "../lifecycle/discovery";

export interface DiagnoseFileOptions {
  /** The pipeline, loaded and valid (the CLI reads it with loadPipelineFile). */
  loaded: LoadedPipeline & { source: { text: string; absolutePath: string } };
  forMs: number;
  windowMs: number;
  dbPath?: string | undefined;
  /** Record the run in the store (`--db-path` or `.flowctl/flowctl.db`), so its id can be diagnosed again. @default true */
  persistence?: boolean;
  /** Drain/terminate budget of the final stop. @default 10_000 */
  gracePeriodMs?: number;
  logger: Logger;
  /** Aborting ends the observation early (Ctrl-C); the diagnosis still prints. */
  signal: AbortSignal;
  /** Aborting skips the drain and the grace period of the final stop (Ctrl-C twice). */
  forceSignal?: AbortSignal;
  /** @default 1000 */
  scrapeIntervalMs?: number;
}

export interface DiagnoseOutcome {
  report: DiagnosisReport;
  runId: string;
  /** The findings timeline stored with the run (oldest first). */
  timeline: Array<{ at: Date; message: string; state: string }>;
  summary?: RunSummary;
  /** The database the run is recorded in; null when it was not kept (--no-persistence). */
  database?: string | null;
}

function openDiagnoseStore(dbPath: string | undefined, temporary: boolean): Promise<Store> {
  if (temporary) return openStore({ databaseUrl: "file::memory:" });
  return dbPath ? openStore({ databaseUrl: `file:${path.resolve(dbPath)}` }) : openStore({});
}

/** Runs the loaded pipeline, observes it for `forMs`, diagnoses the last `windowMs`, stops it (no orphans). */
export async function diagnosePipelineFile(opts: DiagnoseFileOptions): Promise<DiagnoseOutcome> {
  const loaded = opts.loaded;
  const pipeline = loaded.pipeline!;
  for (const d of loaded.diagnostics.filter((x) => x.severity === "warning")) opts.logger.warn(d.message, { path: d.path });
  // Stored like `flowctl run` stores its runs: the run id printed can be diagnosed again.
  const store = await openDiagnoseStore(opts.dbPath, opts.persistence === false);
  const registry = new ComponentRegistry();
  let handle: RunHandle | undefined;
  let observer: RunObserver | undefined;
  let discovery: DiscoveryRecord | undefined;
  const observing = new AbortController();
  try {
    handle = await runPipeline({
      pipeline,
      configYaml: loaded.source.text,
      file: loaded.source.absolutePath,
      store,
      registry,
      controlPlane: { mode: "embedded", port: 0 },
      console: false,
      gracePeriodMs: opts.gracePeriodMs ?? 10_000,
      logger: opts.logger,
      signal: opts.signal,
    });
    const h = handle;
    const endpoint = h.topology().controlPlaneEndpoint;
    if (endpoint) discovery = announceControlPlane("diagnose", endpoint, { runId: h.runId, pipeline: pipeline.name, database: store.ephemeral ? null : store.file, tokenRequired: false }, opts.logger);
    opts.forceSignal?.addEventListener("abort", () => h.forceStop(), { once: true });
    opts.logger.info("observing pipeline", { pipeline: pipeline.name, runId: handle.runId, for: `${opts.forMs}ms`, window: `${opts.windowMs}ms` });
    observer = observeRun(handle, {
      signal: observing.signal,
      store,
      windowMs: opts.windowMs,
      intervalMs: opts.scrapeIntervalMs ?? 1000,
      logger: opts.logger,
      heartbeats: registryHeartbeats(registry),
    });
    const runningFrom = await waitForObservation(handle, opts.forMs, opts.signal);
    const observedMs = runningFrom === undefined ? 0 : Date.now() - runningFrom;
    if (observedMs < opts.windowMs) {
      opts.logger.warn("observed for less than one window: the diagnosis reads a partial window", { observedMs, windowMs: opts.windowMs, state: handle.state });
    } else if (handle.state !== "running") {
      opts.logger.info("the run ended before --for elapsed; diagnosing its last window", { state: handle.state, observedMs });
    }
    // A run that ended is diagnosed as it ran: the window ends when it left RUNNING, before its
    // components were drained and stopped (they would all read as down).
    const endedAt = handle.state === "running" ? undefined : handle.runningEndedAt?.getTime();
    const report = await observer.diagnoseNow({ windowMs: opts.windowMs, ...(endedAt !== undefined ? { atMs: endedAt } : {}) });
    observing.abort();
    await observer.stop();
    const summary = await handle.stop("diagnosis finished");
    const timeline = observer.timeline().map((c) => ({ at: c.at, state: c.state, message: c.finding.message }));
    // Kept with the run, so the next run of this pipeline can say what its changes did.
    await attachComparison(store, { runId: handle.runId, pipelineName: pipeline.name, startedAt: summary.startedAt, configYaml: loaded.source.text }, report, opts.logger);
    if (!store.ephemeral) await store.runs.saveDiagnosis(handle.runId, report).catch((err: unknown) => opts.logger.warn("the run's diagnosis was not stored", { error: String(err) }));
    return { report, runId: handle.runId, timeline, summary, database: store.ephemeral ? null : store.file };
  } finally {
    discovery?.remove();
    observing.abort();
    await observer?.stop();
    if (handle) await handle.stop("diagnose exiting").catch((err: unknown) => opts.logger.warn("stopping the run failed", { error: String(err) }));
    await store.close();
  }
}

/**
 * Resolves after `forMs` of RUNNING — the clock starts once every component registered, as with
 * `flowctl run --for`, so a slow start (a loaded machine) does not eat the observation — when the
 * run ends on its own, or when `signal` aborts. Returns when RUNNING began (undefined: it never did).
 */
async function waitForObservation(handle: RunHandle, forMs: number, signal: AbortSignal): Promise<number | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let unsubscribe: (() => void) | undefined;
  let runningFrom: number | undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve) => {
        const start = () => {
          if (runningFrom !== undefined) return;
          runningFrom = Date.now();
          timer = setTimeout(resolve, forMs);
        };
        unsubscribe = handle.onEvent((e) => {
          if (e.type === "run.status" && e.data?.status === "RUNNING") start();
        });
        if (handle.state === "running") start();
      }),
      handle.done.then(() => undefined),
      new Promise<void>((resolve) => {
        onAbort = resolve;
        if (signal.aborted) resolve();
        else signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    unsubscribe?.();
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
  return runningFrom;
}

export interface DiagnoseRunOptions {
  runId: string;
  windowMs: number;
  dbPath?: string | undefined;
  /** `PROMETHEUS_URL`: query Prometheus instead of the stored rollups. */
  prometheusUrl?: string | undefined;
  logger: Logger;
}

/** Rollups are 10 s apart: a window of 20 s holds two or three of them, enough for a rate. */
const MIN_ROLLUP_WINDOW_MS = 20_000;

/** Diagnoses a recorded (live or finished) run from the store, or from Prometheus when configured. */
export async function diagnoseStoredRun(opts: DiagnoseRunOptions): Promise<DiagnoseOutcome> {
  const { store, run } = await findStoredRun(opts.runId, opts.dbPath);
  try {
    return await diagnoseRecordedRun(store, run.runId, opts);
  } finally {
    await store.close();
  }
}

/**
 * Opens the store holding `runId`: `--db-path`, else this directory's database, else the database
 * of an engine running from this directory (its discovery file names it). The error of the first
 * place looked in stands, naming every place looked in.
 */
async function findStoredRun(runId: string, dbPath: string | undefined): Promise<{ store: Store; run: RunRecord }> {
  const first = await openDiagnoseStore(dbPath, false);
  let firstErr: unknown;
  try {
    return { store: first, run: await first.runs.findByPrefix(runId) };
  } catch (err) {
    await first.close();
    if (dbPath || !(err instanceof FlowError) || err.code !== "NOT_FOUND") throw err;
    firstErr = err;
  }
  const looked = [first.file];
  for (const database of new Set(readDiscovery().entries.map((e) => e.database))) {
    if (!database || looked.includes(database)) continue;
    looked.push(database);
    const other = await openStore({ databaseUrl: `file:${database}`, mustExist: true }).catch(() => undefined);
    if (!other) continue;
    try {
      return { store: other, run: await other.runs.findByPrefix(runId) };
    } catch (err) {
      await other.close();
      if (!(err instanceof FlowError) || err.code !== "NOT_FOUND") throw err;
    }
  }
  throw new FlowError("NOT_FOUND", `${(firstErr as Error).message} (looked in ${looked.join(", ")}; pass --db-path for another database)`);
}

/**
 * {@link diagnoseStoredRun} on an open store. `atMs` diagnoses the window ending then instead of
 * when the run left RUNNING (the console's time scrubber).
 */
export async function diagnoseRecordedRun(
  store: Store,
  runId: string,
  opts: { windowMs: number; prometheusUrl?: string | undefined; logger: Logger; atMs?: number },
): Promise<DiagnoseOutcome> {
  const run = await store.runs.findByPrefix(runId);
  const topology = storedTopology(run);
  const events = await store.runs.listEvents(run.runId);
  // When the run left RUNNING (engines that record it): its drain and shutdown are not diagnosed.
  const leftRunning = events.find((e) => e.type === "run.status" && e.data?.from === "RUNNING")?.at.getTime();
  const timeline = events
    .filter((e) => e.type === "diagnosis.finding")
    .map((e) => ({ at: e.at, message: e.message, state: String(e.data?.state ?? "raised") }));

  let report: DiagnosisReport;
  if (opts.prometheusUrl) {
    const query = createMetricsQuery({ store: new SeriesStore(), prometheusUrl: opts.prometheusUrl });
    const at = opts.atMs ?? leftRunning ?? (run.endedAt ?? new Date()).getTime();
    report = diagnose(await collectMetricWindow(query, topology, { atMs: at, windowMs: opts.windowMs }));
  } else {
    const points = await store.metrics.listRollups(run.runId);
    if (points.length === 0) {
      const stored = events.filter((e) => e.type === "diagnosis.finding");
      if (stored.length === 0) {
        throw new FlowError(
          "NOT_FOUND",
          `run ${run.runId} (${run.pipelineName}) has no stored metrics or findings: it was not observed (runs of 'flowctl diagnose <file>', or of an engine calling observeRun, store them); set PROMETHEUS_URL to read it from Prometheus`,
        );
      }
      report = reportFromStoredFindings(run.pipelineName, stored, run.startedAt, run.endedAt ?? new Date());
    } else {
      const series = new SeriesStore({ capacity: Math.max(3600, points.length) });
      loadRollups(series, points);
      const times = points.map((p) => p.t.getTime());
      const whileRunning = leftRunning === undefined ? times : times.filter((t) => t <= leftRunning);
      const last = Math.max(...(whileRunning.length > 0 ? whileRunning : times));
      const at = opts.atMs !== undefined ? Math.min(opts.atMs, last) : last;
      const windowMs = rollupWindow(opts.windowMs, at, Math.min(...times));
      if (windowMs !== opts.windowMs && opts.atMs === undefined) opts.logger.info("window adjusted to the stored 10 s rollups", { windowMs, requestedMs: opts.windowMs, dataSpanMs: at - Math.min(...times) });
      report = diagnose(await collectMetricWindow(createMetricsQuery({ store: series }), topology, { atMs: at, windowMs }));
    }
  }
  await attachComparison(store, run, report, opts.logger);
  return { report, runId: run.runId, timeline };
}

/** Adds the comparison with the previous run of the pipeline to `report` (best effort: logged on failure). */
async function attachComparison(store: Store, run: Pick<RunRecord, "runId" | "pipelineName" | "startedAt" | "configYaml">, report: DiagnosisReport, logger: Logger): Promise<void> {
  try {
    const comparison = await compareWithPreviousRun(store, run, report);
    if (comparison) report.comparison = comparison;
  } catch (err) {
    logger.warn("the comparison with the previous run failed", { runId: run.runId, error: String(err) });
  }
}

/** The topology a stored run's YAML describes (what a window needs). */
export function storedTopology(run: { runId: string; pipelineName: string; configYaml: string }): WindowTopology {
  const loaded = loadPipeline(run.configYaml, { file: `run ${run.runId}` });
  if (!loaded.pipeline) throw new FlowError("FAILED_PRECONDITION", `run ${run.runId}: its stored pipeline YAML no longer compiles`);
  return {
    pipeline: run.pipelineName,
    components: loaded.pipeline.components.map((c) => ({
      id: c.id,
      role: c.role,
      replicas: c.replicas,
      settings: { batch: c.batch ? { size: c.batch.size, flushIntervalMs: c.batch.flushIntervalMs } : null, queueCapacity: c.queue.capacity },
    })),
    edges: loaded.pipeline.components.flatMap((c) => c.inputs.map((from) => ({ from, to: c.id, capacity: c.queue.capacity }))),
  };
}

/**
 * Rollups are 10 s apart: a window holds at least two of them, but never reaches before the first
 * one (rates would be read over time with no data and come out low).
 */
export function rollupWindow(requestedMs: number, atMs: number, firstMs: number): number {
  return Math.min(Math.max(requestedMs, MIN_ROLLUP_WINDOW_MS), Math.max(atMs - firstMs + 1, 1));
}

/**
 * Without rollups (a run observed by an older engine) the last stored findings are all we have:
 * replay raised/cleared events, and take the bottleneck a BOTTLENECK finding recorded.
 */
function reportFromStoredFindings(pipeline: string, events: readonly RunEventRecord[], from: Date, to: Date): DiagnosisReport {
  const active = activeFindings(events);
  const b = active.find((e) => String(e.data?.code ?? "").startsWith("BOTTLENECK"));
  return {
    pipeline,
    window: { from: from.toISOString(), to: to.toISOString() },
    bottleneck: (b?.data?.bottleneck as DiagnosisReport["bottleneck"]) ?? null,
    components: [],
    findings: active.map((e) => ({
      severity: (e.data?.severity as Finding["severity"]) ?? "info",
      code: String(e.data?.code ?? "") as Finding["code"],
      ...(e.componentId ? { component: e.componentId } : {}),
      message: e.message,
    })),
  };
}
