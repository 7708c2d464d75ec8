/**
 * The console's engine service: starts saved pipeline versions as runs on the shared control
 * plane, observes each (scrapes, rollups, findings, live stats), stops and restarts them, and
 * answers every question about runs — owned ones from memory, the rest (finished, or started by
 * `flowctl run` against the same database) from the store.
 */
import path from "node:path";
import type { ComponentRegistry } from "../control-plane/registry";
import { FlowError, NotFoundError } from "../core/errors";
import type { Logger } from "../core/logger";
import { TERMINAL_RUN_STATUSES, type RunStatus } from "../core/run";
import { hasErrors } from "../core/spec/diagnostics";
import { loadPipeline } from "../core/spec/load-pipeline";
import type { DiagnosisReport } from "../diagnosis/diagnosis-types";
import { runPipeline } from "../engine/run-pipeline";
import type { RunHandle, RunTopology } from "../engine/run-types";
import type { EngineMetrics } from "../metrics/engine-metrics";
import type { Store } from "../storage/store";
import type { InstanceItem, LiveMessage, LogLineItem, RedeployResult, RunDetail, RunEventItem, RunListItem, RunMeasurementsItem, RunMoment } from "./api-types";
import type { Delivery } from "./broadcast";
import { checkExecutionPolicy, type ExecutionPolicy } from "./execution-policy";
import { LiveRun } from "./live-run";
import { observeLiveRun, type LiveObservation } from "./live-run.service";
import type { LiveRunSeries } from "./prometheus-source";
import { readLogTail } from "./log-tail";
import { graphOfYaml } from "./pipeline-graph";
import { diagnoseRecordedRun } from "./run-diagnosis.service";
import { measurementsOf } from "./run-measurements";
import { momentOfRun } from "./run-moment";
import { storedTotals, toRunEventItem, toRunListItem, verdictOf } from "./run-views";
import { ValidationFailedError } from "./validation-error";

export interface RunServiceOptions {
  store: Store;
  registry: ComponentRegistry;
  /** `host:port` of the control plane every run shares (components register there). */
  controlPlaneEndpoint: string;
  /** One registry of engine metrics for every run (`/metrics` on the console port). */
  metrics: EngineMetrics;
  policy: ExecutionPolicy;
  logDir: string;
  logger: Logger;
  /** Drain/terminate budget of a stop. @default 10_000 */
  gracePeriodMs?: number;
  /** Scrape/stats interval. @default 1000 */
  intervalMs?: number;
}

interface OwnedRun {
  handle: RunHandle;
  observation: LiveObservation;
  live: LiveRun;
  pipelineName: string;
  version: number | null;
  versionId: string;
  /** Resolves once observation is flushed and the record is final. */
  settled: Promise<void>;
}

/** Filter of {@link RunService.list}. */
export interface RunListFilter {
  pipeline?: string;
  status?: RunStatus[];
  limit?: number;
}

/** See the module comment. */
export class RunService {
  private readonly owned = new Map<string, OwnedRun>();
  private closing = false;

  constructor(private readonly opts: RunServiceOptions) {}

  /** Starts `versionId` (default: the newest version) of `pipelineName`; resolves once recorded. */
  async start(pipelineName: string, opts: { versionId?: string } = {}): Promise<{ runId: string }> {
    if (this.closing) throw new FlowError("UNAVAILABLE", "the console is shutting down", { kind: "operational" });
    const { store, logger } = this.opts;
    const version = opts.versionId ? await store.pipelines.getVersion(opts.versionId) : await store.pipelines.latestVersion(pipelineName);
    if (!version || version.pipelineName !== pipelineName) {
      if (opts.versionId) throw new NotFoundError(`version of pipeline ${JSON.stringify(pipelineName)}`, opts.versionId);
      throw new NotFoundError("pipeline", pipelineName);
    }
    const active = this.activeRunOf(pipelineName);
    if (active) throw new FlowError("ILLEGAL_STATE", `pipeline ${pipelineName} is already running (run ${active.slice(0, 8)}): stop it first, or redeploy`);
    const file = `${pipelineName} v${version.version}`;
    const loaded = loadPipeline(version.yaml, { file });
    const policy = loaded.pipeline ? checkExecutionPolicy(loaded.pipeline, version.yaml, this.opts.policy, file) : [];
    if (!loaded.pipeline || hasErrors(loaded.diagnostics) || policy.length > 0) {
      throw new ValidationFailedError(`${file} cannot run`, [...loaded.diagnostics, ...policy]);
    }
    const handle = await runPipeline({
      pipeline: loaded.pipeline,
      configYaml: version.yaml,
      cwd: this.opts.policy.dataDir,
      store,
      controlPlane: { mode: "shared", endpoint: this.opts.controlPlaneEndpoint, registry: this.opts.registry },
      metrics: this.opts.metrics,
      logDir: this.opts.logDir,
      gracePeriodMs: this.opts.gracePeriodMs ?? 10_000,
      // Every instance starts at once and they share the host's cores: a big pipeline's last
      // component registers later than a small one's, so the allowance grows with the count.
      registrationTimeoutMs: Math.max(30_000, 1_500 * loaded.pipeline.components.reduce((n, c) => n + c.replicas, 0)),
      console: false,
      logger,
      pipelineVersionId: version.id,
    });
    const observation = observeLiveRun(handle, { store, registry: this.opts.registry, logger, scrapeIntervalMs: this.opts.intervalMs ?? 1000 });
    const live = new LiveRun({ handle, observation, registry: this.opts.registry, logger });
    const settled = handle.done.then(async (summary) => {
      live.end(summary.status);
      await observation.stop().catch((err: unknown) => logger.warn("stopping the run's observation failed", { runId: handle.runId, error: String(err) }));
      this.owned.delete(handle.runId);
    });
    this.owned.set(handle.runId, { handle, observation, live, pipelineName, version: version.version, versionId: version.id, settled });
    logger.info("run started", { pipeline: pipelineName, version: version.version, runId: handle.runId });
    return { runId: handle.runId };
  }

  /** Stops an owned run (drain, then components); resolves with its final record. */
  async stop(runId: string): Promise<RunListItem> {
    const run = await this.opts.store.runs.findByPrefix(runId);
    const owned = this.owned.get(run.runId);
    if (!owned) {
      if (TERMINAL_RUN_STATUSES.has(run.status)) return this.listItem(run.runId);
      throw new FlowError("FAILED_PRECONDITION", `run ${run.runId.slice(0, 8)} is executed by another process (flowctl run); stop it there`);
    }
    await owned.handle.stop("stopped from the console");
    await owned.settled;
    return this.listItem(run.runId);
  }

  /** Runs the same pipeline version again (stopping the run first if it is still going). */
  async restart(runId: string): Promise<{ runId: string }> {
    const run = await this.opts.store.runs.findByPrefix(runId);
    if (!run.pipelineVersionId) {
      throw new FlowError("FAILED_PRECONDITION", `run ${run.runId.slice(0, 8)} was started from a file, not a saved pipeline version: start the pipeline instead`);
    }
    if (this.owned.has(run.runId)) await this.stop(run.runId);
    return this.start(run.pipelineName, { versionId: run.pipelineVersionId });
  }

  /**
   * Replaces the pipeline's run in progress with `versionId` (default: the newest version): the
   * version is checked first (a version that cannot run leaves the old run going), then the old run
   * is stopped (drained) and the new one started.
   */
  async redeploy(pipelineName: string, opts: { versionId?: string } = {}): Promise<RedeployResult> {
    const { store } = this.opts;
    const version = opts.versionId ? await store.pipelines.getVersion(opts.versionId) : await store.pipelines.latestVersion(pipelineName);
    if (!version || version.pipelineName !== pipelineName) {
      if (opts.versionId) throw new NotFoundError(`version of pipeline ${JSON.stringify(pipelineName)}`, opts.versionId);
      throw new NotFoundError("pipeline", pipelineName);
    }
    const file = `${pipelineName} v${version.version}`;
    const loaded = loadPipeline(version.yaml, { file });
    const policy = loaded.pipeline ? checkExecutionPolicy(loaded.pipeline, version.yaml, this.opts.policy, file) : [];
    if (!loaded.pipeline || hasErrors(loaded.diagnostics) || policy.length > 0) {
      throw new ValidationFailedError(`${file} cannot run`, [...loaded.diagnostics, ...policy]);
    }
    const active = this.activeRunOf(pipelineName);
    if (active) await this.stop(active);
    const started = await this.start(pipelineName, { versionId: version.id });
    return { runId: started.runId, stoppedRunId: active ?? null };
  }

  /**
   * What the editor's what-if starts from: the diagnosis of the pipeline's run in progress, else of
   * its newest run that measured something; null when no run did.
   */
  async measurements(pipelineName: string): Promise<RunMeasurementsItem | null> {
    return measurementsOf(pipelineName, {
      runs: (pipeline, limit) => this.opts.store.runs.list({ pipelineName: pipeline, limit }),
      active: (pipeline) => this.activeRunOf(pipeline),
      diagnosis: (runId) => this.diagnosis(runId),
      version: async (versionId) => (await this.opts.store.pipelines.getVersion(versionId))?.version ?? null,
    });
  }

  /** Newest first. */
  async list(filter: RunListFilter = {}): Promise<RunListItem[]> {
    const runs = await this.opts.store.runs.list({
      ...(filter.pipeline ? { pipelineName: filter.pipeline } : {}),
      ...(filter.status && filter.status.length > 0 ? { status: filter.status } : {}),
      limit: filter.limit ?? 50,
    });
    return Promise.all(runs.map((r) => this.decorate(r)));
  }

  /** One run with its graph, counters and (owned) instances. */
  async get(runId: string): Promise<RunDetail> {
    const run = await this.opts.store.runs.findByPrefix(runId);
    const item = await this.decorate(run);
    const owned = this.owned.get(run.runId);
    const topo = owned?.handle.topology();
    const instances: InstanceItem[] =
      topo?.components.flatMap((c) =>
        c.instances.map((i) => ({
          instanceId: i.instanceId,
          componentId: c.id,
          pid: i.pid ?? null,
          status: i.status,
          restarts: i.restarts,
          endpoint: i.endpoint ?? null,
          metricsPort: i.metricsPort ?? null,
          logFile: i.logFile ?? null,
        })),
      ) ?? [];
    const totals = owned
      ? owned.handle.snapshot().map((c) => ({ id: c.id, eventsIn: c.eventsIn, eventsOut: c.eventsOut, errors: c.errors, restarts: c.restarts, dropped: c.dropped, lost: c.lost }))
      : storedTotals(run);
    return {
      ...item,
      configYaml: run.configYaml,
      graph: graphOfYaml(run.configYaml),
      state: owned?.handle.state ?? null,
      logDir: path.join(this.opts.logDir, run.runId),
      totals,
      instances,
    };
  }

  async events(runId: string): Promise<RunEventItem[]> {
    const run = await this.opts.store.runs.findByPrefix(runId);
    return (await this.opts.store.runs.listEvents(run.runId)).map(toRunEventItem);
  }

  /**
   * The `flowctl diagnose --json` report: live runs diagnose their last window now, finished runs
   * answer with the diagnosis stored at their end (computed from rollups when none was stored).
   */
  async diagnosis(runId: string, opts: { windowMs?: number } = {}): Promise<DiagnosisReport> {
    const run = await this.opts.store.runs.findByPrefix(runId);
    const owned = this.owned.get(run.runId);
    if (owned && owned.handle.state === "running") return owned.observation.observer.diagnoseNow(opts.windowMs ? { windowMs: opts.windowMs } : {});
    if (!owned) {
      const stored = await this.opts.store.runs.getDiagnosis(run.runId);
      if (stored && opts.windowMs === undefined) return stored as unknown as DiagnosisReport;
    }
    return (await diagnoseRecordedRun(this.opts.store, run.runId, { windowMs: opts.windowMs ?? 10_000, logger: this.opts.logger })).report;
  }

  /** The last `tail` lines of a component's (or one instance's) log in this run. */
  async logs(runId: string, component: string, tail: number): Promise<LogLineItem[]> {
    const run = await this.opts.store.runs.findByPrefix(runId);
    const graph = graphOfYaml(run.configYaml);
    const node = graph?.nodes.find((n) => n.id === component);
    const instanceIds = node ? (node.replicas > 1 ? Array.from({ length: node.replicas }, (_, i) => `${node.id}-${i}`) : [node.id]) : [component];
    if (!node && !graph?.nodes.some((n) => component.startsWith(`${n.id}-`))) throw new NotFoundError(`component of run ${run.runId.slice(0, 8)}`, component);
    const owned = this.owned.get(run.runId);
    const dir = path.join(this.opts.logDir, run.runId);
    // A live run keeps recent lines in memory with their stream; the file answers for the rest.
    const parts = owned
      ? instanceIds.map((id) => owned.handle.logs(id, { tail }).map((l) => ({ at: l.at.toISOString(), stream: l.stream, line: l.line })))
      : await Promise.all(instanceIds.map((id) => readLogTail(path.join(dir, `${path.basename(id)}.log`), tail)));
    if (parts.length === 1) return parts[0]!;
    return parts.flatMap((lines, i) => lines.map((l) => ({ ...l, line: `[${instanceIds[i]}] ${l.line}` }))).slice(-tail);
  }

  /** Live messages of an owned run that is still going. */
  subscribe(runId: string, signal: AbortSignal): AsyncGenerator<Delivery<LiveMessage>> {
    const owned = this.owned.get(runId);
    if (!owned) throw new NotFoundError("live run", runId);
    return owned.live.subscribe(signal);
  }

  /** The run at one moment, from its stored rollups and findings (the time scrubber). */
  async moment(runId: string, atMs: number): Promise<RunMoment> {
    const run = await this.opts.store.runs.findByPrefix(runId);
    return momentOfRun(this.opts.store, run, atMs);
  }

  /** The live view of an owned run, if it is still going. */
  live(runId: string): LiveRun | undefined {
    return this.owned.get(runId)?.live;
  }

  /** The owned run of `pipelineName` still in progress. */
  activeRunOf(pipelineName: string): string | undefined {
    for (const [id, o] of this.owned) if (o.pipelineName === pipelineName) return id;
    return undefined;
  }

  /** Each owned run's scraped series (the Prometheus API's live part). */
  liveSeries(): LiveRunSeries[] {
    return [...this.owned].map(([runId, o]) => ({ runId, pipeline: o.pipelineName, store: o.observation.observer.series }));
  }

  /** The pipeline and version of each owned run (what a restart of the console resumes). */
  ownedRunVersions(): Array<{ pipeline: string; versionId: string }> {
    return [...this.owned.values()].flatMap((o) => (o.versionId ? [{ pipeline: o.pipelineName, versionId: o.versionId }] : []));
  }

  /** Topology of an owned run (instances, ports, state). */
  topologyOf(runId: string): RunTopology | undefined {
    return this.owned.get(runId)?.handle.topology();
  }

  /** Pipeline of an owned run. */
  pipelineOf(runId: string): string | undefined {
    return this.owned.get(runId)?.pipelineName;
  }

  /** Ids of the runs this console executes. */
  ownedRunIds(): string[] {
    return [...this.owned.keys()];
  }

  /** Stops every owned run (console shutdown); `force` skips drains and grace periods. */
  async stopAll(opts: { force?: boolean } = {}): Promise<void> {
    this.closing = true;
    const runs = [...this.owned.values()];
    for (const r of runs) {
      if (opts.force) r.handle.forceStop();
      else void r.handle.stop("console shutting down");
    }
    await Promise.allSettled(runs.map((r) => r.settled));
  }

  private async listItem(runId: string): Promise<RunListItem> {
    const run = await this.opts.store.runs.get(runId);
    if (!run) throw new NotFoundError("run", runId);
    return this.decorate(run);
  }

  private async decorate(run: Awaited<ReturnType<Store["runs"]["findByPrefix"]>>): Promise<RunListItem> {
    const owned = this.owned.get(run.runId);
    const version = owned?.version ?? (run.pipelineVersionId ? ((await this.opts.store.pipelines.getVersion(run.pipelineVersionId))?.version ?? null) : null);
    let verdict: string | null;
    const latest = owned?.live.latestReport();
    if (owned) verdict = latest ? verdictOf(latest as unknown as Record<string, unknown>, []) : null;
    else {
      // The stored diagnosis answers for observed runs; only older ones need their findings read.
      const stored = await this.opts.store.runs.getDiagnosis(run.runId);
      verdict = verdictOf(stored, stored ? [] : await this.opts.store.runs.listEvents(run.runId));
    }
    const item = toRunListItem(run, { owned: owned !== undefined, version, verdict });
    // Owned runs count live (the record is written at the end).
    if (owned) {
      const stats = owned.live.latestStats();
      if (stats) {
        item.eventsProcessed = stats.eventsProcessed;
        item.eventsPerSecond = stats.sinkRate ?? 0;
      }
    }
    return item;
  }
}
