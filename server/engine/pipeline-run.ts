/**
 * One live run: the router worker, the supervisor and the lifecycle that drives them to a
 * terminal status. `runPipeline()` (run-pipeline.ts) builds it once the run is recorded and the
 * control plane is reachable. Ending is exception-safe: whatever fails on the way (a component
 * that will not die, the router, the store, the external control plane), every path ends with the
 * components stopped, the run record terminal and `done` resolved; a failed step is logged and
 * turns the run FAILED with the reason.
 */
import path from "node:path";
import { NotFoundError, toFlowError } from "../core/errors";
import type { Logger } from "../core/logger";
import type { CompiledPipeline } from "../core/spec/compile";
import { buildDag } from "../core/graph/dag";
import type { ComponentDriver } from "../drivers/driver";
import type { EngineMetrics } from "../metrics/engine-metrics";
import type { Store } from "../storage/store";
import { ComponentLogs } from "./component-logs";
import type { ExternalRunRecord } from "./external-run-record";
import { trackOwnedRun } from "./owned-runs";
import type { RunControlPlane } from "./run-control-plane";
import type { RunEventLog } from "./run-events";
import { assertRunStateTransition, TERMINAL_STATUS, type RunState, type TerminalRunState } from "./run-state";
import { RunStats } from "./run-stats";
import { buildRunSummary, storedRunMetrics } from "./run-summary";
import type { RunHandle, RunPipelineOptions, RunSummary, RunTopology } from "./run-types";
import { buildRouterInit } from "./router-init";
import { RouterHost } from "./router/router-host";
import { DEFAULT_BACKOFF, DEFAULT_CRASH_LOOP } from "./restart-policy";
import { Supervisor, type SupervisedInstance } from "./supervisor";

/** What {@link PipelineRun} is built from (resolved by runPipeline). */
export interface PipelineRunContext {
  runId: string;
  pipeline: CompiledPipeline;
  opts: RunPipelineOptions;
  cwd: string;
  logDir: string;
  gracePeriodMs: number;
  metrics: EngineMetrics;
  store: Store | undefined;
  logger: Logger;
  startedAt: Date;
  events: RunEventLog;
  controlPlane: RunControlPlane;
  driver: ComponentDriver;
  externalRun: ExternalRunRecord | undefined;
  /** Resolves the promise the RunController waits on (terminal status stored). */
  recorded: { promise: Promise<void>; resolve: () => void };
}

export class PipelineRun {
  readonly handle: RunHandle;
  private state: RunState = "starting";
  private runningEndedAt: Date | undefined;
  private runningStartedAt: Date | undefined;
  /** When a stop's drain ended (events stopped moving). */
  private drainedAt: Date | undefined;
  private error: string | null = null;
  private finishing: Promise<RunSummary> | undefined;
  private runForTimer: NodeJS.Timeout | undefined;
  private readonly stats: RunStats;
  private readonly logs: ComponentLogs;
  private readonly router: RouterHost;
  private readonly supervisor: Supervisor;
  private readonly forceAbort = new AbortController();
  private readonly lifetime = new AbortController();
  private readonly routerCompleted: Promise<boolean>;
  private readonly cleanups: (() => void)[] = [];
  private readonly forgetOwned: () => void;
  private resolveDone!: (s: RunSummary) => void;

  constructor(private readonly ctx: PipelineRunContext) {
    const { pipeline, metrics, opts, logger, events } = ctx;
    this.stats = new RunStats(pipeline, metrics);
    this.logs = new ComponentLogs(opts.logBuffer);
    const dag = buildDag(pipeline.components);
    let resolveCompleted!: (drained: boolean) => void;
    this.routerCompleted = new Promise<boolean>((r) => (resolveCompleted = r));
    this.router = new RouterHost(buildRouterInit(pipeline, dag.edges, { ...opts.router, debug: opts.debug ?? logger.level === "debug" }), {
      stats: (s) => this.stats.apply(s),
      log: (level, msg, fields) => logger[level](msg, fields),
      nodeEnded: (id) => logger.debug("component input drained", { component: id }),
      completed: (drained) => resolveCompleted(drained),
      linkDown: (instanceId, inflight, reason, attempt, protocol) => {
        // Every failed data-plane stream is visible: logged, a RunEvent, counted (streamErrors).
        logger.warn("data-plane stream failed", { component: instanceId, reason, inflight, attempt, protocol });
        if (protocol) {
          // A peer that sends garbage is broken, not its stream: restart it (its restart_policy decides).
          events.emit("edge.protocol_error", instanceId, `${reason}; restarting ${instanceId} per its restart_policy`, { inflight, reason, attempt });
          this.supervisor.recycle(instanceId);
          return;
        }
        // Attach mode: the engine cannot see the process; it checks whether the instance is still there.
        this.supervisor.suspect(instanceId);
        if (inflight > 0) events.emit("edge.reconnected", instanceId, `stream to ${instanceId} broke with ${inflight} events in flight (${reason})`, { inflight, reason });
        else events.emit("edge.stream_failed", instanceId, `stream to ${instanceId} failed (${reason}); attempt ${attempt}`, { inflight, reason, attempt });
      },
      rejected: (instanceId, bytes, reason) => {
        logger.error("event rejected", { component: instanceId, bytes, reason });
        events.emit("edge.event_rejected", instanceId, reason, { bytes, reason });
      },
      failed: (err) => this.fail(err.message),
    });
    this.supervisor = this.createSupervisor();
    this.handle = this.createHandle(dag.edges);
    const cp = ctx.controlPlane;
    // Registrations claiming this run are checked by the registry itself when it is in this process.
    const unguard = cp.localRegistry?.guardRun(ctx.runId, (info) => this.supervisor.guardRegistration(info));
    if (unguard) this.cleanups.push(unguard);
    const unsubscribe = cp.localRegistry?.subscribe((ch) => {
      const reg = cp.localRegistry!;
      const all = reg.list({ includeUnhealthy: true });
      metrics.registeredComponents.set(all.length);
      metrics.healthyComponents.set(all.filter((c) => c.status === "HEALTHY").length);
      // Only this run's registrations: a shared registry also holds other runs' components of the same id.
      if (ch.type === "status" && this.supervisor.owns(ch.component.serviceId)) {
        const healthy = ch.component.status === "HEALTHY";
        metrics.componentUp.set({ pipeline: pipeline.name, component_id: ch.component.info.id }, healthy ? 1 : 0);
        // STOPPING is a component announcing its own shutdown, not a health problem.
        if (ch.component.status !== "STOPPING") events.emit(healthy ? "component.healthy" : "component.unhealthy", ch.component.info.id, `${ch.component.info.id} is ${ch.component.status}`, { previous: ch.previous, status: ch.component.status });
      }
    });
    if (unsubscribe) this.cleanups.push(unsubscribe);
    this.forgetOwned = trackOwnedRun(this.handle, ctx.recorded.promise);
  }

  /** FLOWCTL_TOKEN of the run's control plane (embedded or external), if any. */
  private get runToken(): string | undefined {
    const cp = this.ctx.opts.controlPlane;
    return cp && cp.mode !== "shared" ? cp.token : undefined;
  }

  private createSupervisor(): Supervisor {
    const { pipeline, metrics, opts, events, controlPlane } = this.ctx;
    const consoleSink = opts.console || undefined;
    return new Supervisor({
      pipeline,
      cwd: this.ctx.cwd,
      driver: this.ctx.driver,
      env: {
        runId: this.ctx.runId,
        controlPlaneEndpoint: controlPlane.endpoint,
        heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 10_000,
        runDir: path.join(this.ctx.logDir, this.ctx.runId),
        ...(opts.controlPlane?.mode === "external" && opts.controlPlane.tls ? { controlPlaneTls: opts.controlPlane.tls } : {}),
      },
      registry: controlPlane.registration,
      tokenSet: this.runToken !== undefined,
      registrationTimeoutMs: opts.registrationTimeoutMs ?? 30_000,
      backoff: opts.backoff ?? DEFAULT_BACKOFF,
      crashLoop: opts.crashLoop ?? DEFAULT_CRASH_LOOP,
      onLine: (instanceId, line, stream) => {
        this.logs.append(instanceId, stream, line);
        consoleSink?.(instanceId, line, stream);
      },
      events: {
        record: (type, componentId, message, data) => events.emit(type, componentId, message, data ?? null),
        instanceUp: (inst: SupervisedInstance) => {
          // The spawn's secret; an attached instance (no spawn) is called with the run's token.
          const credential = inst.secret ?? this.runToken;
          metrics.componentUp.set({ pipeline: pipeline.name, component_id: inst.instanceId }, 1);
          this.router.send({ type: "instanceUp", instanceId: inst.instanceId, endpoint: inst.endpoint!, wire: inst.wire!, inputEventTypes: inst.inputEventTypes, ...(credential ? { credential } : {}) });
        },
        instanceDown: (inst, permanent) => {
          metrics.componentUp.set({ pipeline: pipeline.name, component_id: inst.instanceId }, 0);
          this.router.send({ type: "instanceDown", instanceId: inst.instanceId, permanent });
        },
        restarted: (inst) => {
          this.stats.restarted(inst.component.id);
          metrics.componentRestarts.inc({ pipeline: pipeline.name, component_id: inst.instanceId });
        },
        fatal: (reason) => this.fail(reason),
        exitedClean: (inst) => {
          if (inst.component.role !== "source" && this.state === "running") this.fail(`component ${inst.instanceId} exited before the run finished (exit code 0); log file: ${inst.logFile}`);
        },
      },
    });
  }

  private createHandle(edges: readonly { from: string; to: string }[]): RunHandle {
    const { pipeline, runId } = this.ctx;
    const instanceIds = new Set(this.supervisor.instances.map((i) => i.instanceId));
    let resolveDone!: (s: RunSummary) => void;
    const done = new Promise<RunSummary>((r) => (resolveDone = r));
    this.resolveDone = resolveDone;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- getters on the handle read the live run
    const run = this;
    return {
      runId,
      get state() {
        return run.state;
      },
      get runningEndedAt() {
        return run.runningEndedAt;
      },
      metrics: this.ctx.metrics,
      topology: (): RunTopology => ({
        pipeline: pipeline.name,
        runId,
        controlPlaneEndpoint: this.ctx.controlPlane.endpoint,
        components: pipeline.components.map((c) => ({
          id: c.id,
          role: c.role,
          replicas: c.replicas,
          instances: this.supervisor.instances
            .filter((i) => i.component === c)
            .map((i) => ({
              instanceId: i.instanceId,
              pid: i.handle?.alive ? i.handle.pid : undefined,
              endpoint: i.endpoint,
              metricsPort: i.ports?.metricsPort,
              status: i.state,
              restarts: i.restarts,
              wire: i.wire,
              logFile: i.logFile,
            })),
        })),
        edges: edges.map((e) => {
          const to = pipeline.components.find((c) => c.id === e.to)!;
          return { from: e.from, to: e.to, capacity: to.queue.capacity, policy: to.queue.policy };
        }),
      }),
      snapshot: () => this.stats.summaries(),
      edgeAccounts: () => this.stats.edgeAccounts(),
      onEvent: (listener) => this.ctx.events.subscribe(listener),
      logs: (instanceId, o = {}) => {
        if (!instanceIds.has(instanceId)) throw new NotFoundError("instance", instanceId);
        return this.logs.tail(instanceId, o.tail);
      },
      onLog: (listener) => this.logs.subscribe(listener),
      stop: (reason = "stopped") => {
        if (!this.finishing) this.ctx.logger.info("stopping run", { runId, reason });
        return this.finish("stopped", true);
      },
      forceStop: () => {
        this.forceAbort.abort();
        this.background(this.finish("stopped", false), "forced stop");
      },
      done,
    };
  }

  /** Starts the components in the background; the handle is usable (topology, events, stop) meanwhile. */
  start(): void {
    const { opts, logger, events, runId, store } = this.ctx;
    const onAbort = () => this.background(this.handle.stop("aborted"), "stop on abort");
    if (opts.signal?.aborted) onAbort();
    else if (opts.signal) {
      opts.signal.addEventListener("abort", onAbort, { once: true });
      this.cleanups.push(() => opts.signal?.removeEventListener("abort", onAbort));
    }
    this.background(
      this.routerCompleted.then((drained) => {
        if (this.finishing) return;
        logger.info("every source ended and every queue drained", { runId, drained });
        return this.finish("completed", false);
      }),
      "completion",
    );
    this.background(
      (async () => {
        try {
          events.emit("run.status", null, "run STARTING", { status: "STARTING" });
          await this.supervisor.startAll(this.lifetime.signal);
          if (this.finishing) return;
          if (store) await store.runs.update(runId, { status: "RUNNING" });
          this.setState("running");
          this.runningStartedAt = new Date();
          events.emit("run.status", null, "run RUNNING", { status: "RUNNING" });
          const cp = this.ctx.controlPlane;
          if (this.ctx.externalRun) this.background(this.ctx.externalRun.running((status) => this.background(this.handle.stop(`run marked ${status} on the external control plane ${cp.endpoint} (StopPipelineRun)`), "stop")), "external record");
          this.router.send({ type: "start" });
          if (opts.runForMs !== undefined) this.runForTimer = setTimeout(() => this.background(this.handle.stop(`--for ${opts.runForMs} ms elapsed`), "--for stop"), opts.runForMs);
        } catch (err) {
          this.fail(toFlowError(err).message);
        }
      })(),
      "start",
    );
  }

  /** A promise nobody awaits: its failure is logged, never an unhandled rejection. */
  private background(p: Promise<unknown>, what: string): void {
    p.catch((err: unknown) => this.ctx.logger.error(`run ${what} failed`, { runId: this.ctx.runId, error: toFlowError(err).message }));
  }

  private setState(to: RunState): void {
    if (this.state === to) return;
    assertRunStateTransition(this.state, to);
    this.ctx.logger.debug("run state", { runId: this.ctx.runId, from: this.state, to });
    // Recorded (and stored as a run event) because what follows — drain, component shutdown — is
    // not the pipeline's behaviour: diagnosis of a finished run reads the window that ends here.
    if (this.state === "running") {
      this.runningEndedAt = new Date();
      this.ctx.events.emit("run.status", null, `run ${to.toUpperCase()}`, { status: to.toUpperCase(), from: "RUNNING" });
    }
    this.state = to;
  }

  private fail(reason: string): void {
    if (this.finishing) return;
    this.error = reason;
    // Debug only: the run's owner reports the reason (the CLI's summary, the console); logged here
    // as well, a start failure was printed twice more around the summary.
    this.ctx.logger.debug("run failed", { runId: this.ctx.runId, reason });
    this.background(this.finish("failed", false), "failure handling");
  }

  /** Brings everything down and records the terminal status (once). */
  private finish(final: TerminalRunState, drainFirst: boolean): Promise<RunSummary> {
    this.finishing ??= this.end(final, drainFirst);
    return this.finishing;
  }

  private async end(requested: TerminalRunState, drainFirst: boolean): Promise<RunSummary> {
    const { logger, runId, store, events } = this.ctx;
    let final = requested;
    const problems: string[] = [];
    const step = async (what: string, fn: () => unknown): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        problems.push(`${what}: ${toFlowError(err).message}`);
        logger.error("ending the run: a step failed", { runId, step: what, error: toFlowError(err).message });
      }
    };
    let summary: RunSummary | undefined;
    try {
      clearTimeout(this.runForTimer);
      const graceStart = Date.now();
      if (drainFirst && this.state === "running") await step("drain", () => this.drain());
      await step("state", () => this.setState(final === "completed" ? "draining" : "stopping"));
      this.router.send({ type: "abort" });
      this.lifetime.abort(new Error("run ended"));
      await step("stop components", () => this.supervisor.stop(Math.max(500, this.ctx.gracePeriodMs - (Date.now() - graceStart)), this.forceAbort.signal));
      await step("close router", () => this.router.close());
      // The control plane cleans up entries it keeps anyway (janitor): not a reason to fail the run.
      await this.supervisor.unregisterAll().catch((err: unknown) => logger.warn("unregistering components failed", { runId, error: String(err) }));
      for (const c of this.cleanups.splice(0)) await step("cleanup", c);
      if (problems.length > 0 && final !== "failed") {
        final = "failed";
        this.error ??= `the engine could not end the run cleanly: ${problems.join("; ")}`;
      }
      await step("state", () => this.setState(final));
      summary = this.summary(final);
      events.emit("run.status", null, `run ${TERMINAL_STATUS[final]}${this.error ? ": " + this.error : ""}`, { status: TERMINAL_STATUS[final] });
      await step("persist events", () => events.flushed());
      const stored = summary;
      if (store) await step("record", () => store.runs.update(runId, { status: TERMINAL_STATUS[final], error: this.error, metrics: storedRunMetrics(stored) }));
    } catch (err) {
      // Only a bug gets here; the run still ends, and says why.
      logger.error("ending the run failed", { runId, error: toFlowError(err).message });
      this.error ??= `internal error ending the run: ${toFlowError(err).message}`;
      final = "failed";
    } finally {
      this.ctx.recorded.resolve();
    }
    summary ??= this.summary(final);
    const externalRun = this.ctx.externalRun;
    if (externalRun) {
      const s = summary;
      await step("external record", async () => {
        await externalRun.finish(TERMINAL_STATUS[final], this.error, s);
        externalRun.close();
      });
    }
    await step("close control plane", () => this.ctx.controlPlane.close());
    this.forgetOwned();
    this.resolveDone(summary);
    return summary;
  }

  /** Stops the sources and lets the queues drain into the sinks, for up to half the grace period. */
  private async drain(): Promise<void> {
    this.setState("draining");
    this.router.send({ type: "drain" });
    const budget = new AbortController();
    const onForce = () => budget.abort();
    this.forceAbort.signal.addEventListener("abort", onForce, { once: true });
    try {
      await Promise.race([this.routerCompleted, delay(this.ctx.gracePeriodMs / 2, budget.signal)]);
      this.drainedAt = new Date();
    } finally {
      budget.abort();
      this.forceAbort.signal.removeEventListener("abort", onForce);
    }
  }

  private summary(final: TerminalRunState): RunSummary {
    const { runId, pipeline, startedAt, logDir } = this.ctx;
    let components: RunSummary["components"] = [];
    let edges: RunSummary["edges"] = [];
    try {
      components = this.stats.summaries();
      edges = this.stats.edgeAccounts();
    } catch (err) {
      this.ctx.logger.error("building the run summary failed", { runId, error: String(err) });
    }
    return buildRunSummary({
      runId,
      pipeline: pipeline.name,
      status: TERMINAL_STATUS[final],
      error: this.error,
      startedAt,
      endedAt: new Date(),
      runningStartedAt: this.runningStartedAt,
      runningEndedAt: this.drainedAt ?? this.runningEndedAt,
      components,
      edges,
      logDir: path.join(logDir, runId),
    });
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });
}
