/**
 * `runPipeline()`: one run of one pipeline. Starts (or joins) the control plane, records the run,
 * starts the router worker and the supervisor, and drives the run to a terminal status:
 * COMPLETED (every source ended and everything drained into the sinks), STOPPED (stop(), abort
 * signal, --for, StopPipelineRun) or FAILED (start failure, crash loop, unrecoverable exit).
 */
import path from "node:path";
import { randomUUID } from "node:crypto";
import { ComponentRegistry } from "../control-plane/registry";
import { startControlPlane, type ControlPlaneHandle } from "../control-plane/control-plane.server";
import { FlowError, NotFoundError, toFlowError } from "../core/errors";
import { silentLogger } from "../core/logger";
import type { RunEventType, RunStatus } from "../core/run";
import { buildDag } from "../core/graph/dag";
import { createEngineMetrics } from "../metrics/engine-metrics";
import { reapRunProcesses } from "../drivers/process/orphan-reaper";
import { ExternalRegistry, readControlPlaneTls, type RegistrationPort } from "./external-registry";
import { ExternalRunRecord } from "./external-run-record";
import type { ControlPlaneTlsPem } from "../wire/control-plane-tls";
import { DEFAULT_BACKOFF, DEFAULT_CRASH_LOOP } from "./restart-policy";
import { RouterHost } from "./router/router-host";
import type { RouterInit } from "./router/protocol";
import { RunStats } from "./run-stats";
import { sourceParams } from "./source-params";
import { Supervisor, type SupervisedInstance } from "./supervisor";
import { ComponentLogs } from "./component-logs";
import { ownedRunIds, stopOwnedRun, trackOwnedRun } from "./owned-runs";
import type { EngineEvent, RunHandle, RunPipelineOptions, RunState, RunSummary, RunTopology } from "./run-types";

export type * from "./run-types";
export { ownedRun, ownedRunController, stopOwnedRun } from "./owned-runs";

const TERMINAL: Record<"completed" | "failed" | "stopped", RunStatus> = { completed: "COMPLETED", failed: "FAILED", stopped: "STOPPED" };

/** Starts a run; resolves as soon as the run is recorded and its components are starting. */
export async function runPipeline(opts: RunPipelineOptions): Promise<RunHandle> {
  const logger = opts.logger ?? silentLogger;
  const pipeline = opts.pipeline;
  if (pipeline.driver !== "process" && pipeline.driver !== "local") {
    throw new FlowError("FAILED_PRECONDITION", `spec.driver: ${pipeline.driver} is not available in this engine; use driver: process (components run as local processes)`);
  }
  const cwd = opts.file ? path.dirname(path.resolve(opts.file)) : path.resolve(opts.cwd ?? process.cwd());
  const logDir = path.resolve(opts.logDir ?? path.join(process.cwd(), ".flowctl", "logs"));
  const gracePeriodMs = opts.gracePeriodMs ?? 10_000;
  const metrics = opts.metrics ?? createEngineMetrics();
  const store = opts.store;
  const runId = randomUUID();
  const listeners = new Set<(e: EngineEvent) => void>();
  const stats = new RunStats(pipeline, metrics);
  const startedAt = new Date();
  let state: RunState = "starting";
  let runningEndedAt: Date | undefined;
  // Events move from RUNNING until the drain ends: rates are over this span, not start-up and shutdown.
  let runningStartedAt: Date | undefined;
  let drainedAt: Date | undefined;
  let error: string | null = null;

  if (store) {
    const interrupted = await store.runs.markInterrupted({ except: ownedRunIds() });
    // Their engine died without stopping them: reap whatever is left of their components.
    for (const id of interrupted) {
      const reaped = reapRunProcesses(logDir, id);
      if (reaped.length > 0) logger.warn("stopped components left behind by an interrupted run", { runId: id, pids: reaped });
    }
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

  // Persisting events is ordered per run; a failing write is logged, never thrown into the engine.
  let persistChain: Promise<unknown> = Promise.resolve();
  const emit = (type: RunEventType, componentId: string | null, message: string, data: Record<string, unknown> | null = null) => {
    const e: EngineEvent = { at: new Date(), type, componentId, message, data };
    for (const l of listeners) l(e);
    if (store) {
      persistChain = persistChain.then(() =>
        store.runs.appendEvent(runId, { type, componentId, message, data, at: e.at }).catch((err: unknown) => logger.warn("run event not persisted", { runId, type, error: String(err) })),
      );
    }
  };

  // ---- control plane -----------------------------------------------------------------------
  const cp = opts.controlPlane ?? { mode: "embedded" };
  let controlPlane: ControlPlaneHandle | undefined;
  let registration: RegistrationPort;
  // The registry in this process (embedded or shared), if any: its guard refuses forged registrations.
  let localRegistry: ComponentRegistry | undefined;
  let controlPlaneEndpoint: string;
  // TLS material of the external control plane, read once for all of the engine's channels.
  let externalTls: ControlPlaneTlsPem | undefined;
  // Resolves once the terminal status is in the store: StopPipelineRun answers from the record,
  // and the control plane (which carries that very call) closes only after it.
  let resolveRecorded!: () => void;
  const recorded = new Promise<void>((r) => (resolveRecorded = r));
  // The embedded control plane serves this run only.
  const runController = { stopRun: async (id: string) => id === runId && (await stopOwnedRun(id)) };
  try {
    if (cp.mode === "embedded") {
      localRegistry = opts.registry ?? new ComponentRegistry({ heartbeatTtlMs: cp.heartbeatTtlMs ?? 30_000 });
      controlPlane = await startControlPlane({
        address: cp.address ?? "127.0.0.1",
        port: cp.port ?? 0,
        registry: localRegistry,
        ...(cp.token ? { token: cp.token } : {}),
        ...(store ? { store, restoreRegistry: false } : {}),
        // Expire missed heartbeats within a fraction of the TTL, so health changes show promptly.
        janitorIntervalMs: Math.min(10_000, Math.max(250, Math.floor((cp.heartbeatTtlMs ?? 30_000) / 3))),
        runController,
        logger,
      });
      registration = localRegistry;
      controlPlaneEndpoint = controlPlane.endpoint;
    } else if (cp.mode === "shared") {
      localRegistry = cp.registry;
      registration = cp.registry;
      controlPlaneEndpoint = cp.endpoint;
    } else {
      externalTls = cp.tls ? readControlPlaneTls(cp.tls) : undefined;
      registration = new ExternalRegistry(cp.endpoint, cp.token, externalTls);
      controlPlaneEndpoint = cp.endpoint;
    }
  } catch (err) {
    // Nothing started yet: the run ends FAILED right here, and the caller gets the error.
    const reason = toFlowError(err).message;
    await store?.runs.update(runId, { status: "FAILED", error: reason }).catch((e: unknown) => logger.error("run record not updated", { runId, error: String(e) }));
    throw err;
  }
  // Like the original: the run is recorded on the external control plane too (a mirror; the local
  // store stays the source of truth). Failures there are logged, never fatal.
  const externalRun = cp.mode === "external" ? new ExternalRunRecord(cp.endpoint, runId, logger, cp.token, externalTls) : undefined;
  void externalRun?.create({ pipelineName: pipeline.name, configYaml: opts.configYaml, componentIds: pipeline.components.map((c) => c.id) });
  const unsubscribeRegistry = localRegistry?.subscribe((ch) => {
    const reg = localRegistry!;
    metrics.registeredComponents.set(reg.list({ includeUnhealthy: true }).length);
    metrics.healthyComponents.set(reg.list({ includeUnhealthy: true }).filter((c) => c.status === "HEALTHY").length);
    // Only this run's registrations: a shared registry also holds other runs' components of the same id.
    if (ch.type === "status" && supervisor.owns(ch.component.serviceId)) {
      const healthy = ch.component.status === "HEALTHY";
      metrics.componentUp.set({ pipeline: pipeline.name, component_id: ch.component.info.id }, healthy ? 1 : 0);
      // STOPPING is a component announcing its own shutdown, not a health problem.
      if (ch.component.status !== "STOPPING") emit(healthy ? "component.healthy" : "component.unhealthy", ch.component.info.id, `${ch.component.info.id} is ${ch.component.status}`, { previous: ch.previous, status: ch.component.status });
    }
  });

  // ---- router ----------------------------------------------------------------------------------
  const dag = buildDag(pipeline.components);
  const routerInit: RouterInit = {
    type: "init",
    pipeline: pipeline.name,
    nodes: pipeline.components.map((c) => ({
      id: c.id,
      role: c.role,
      instances: c.replicas > 1 ? Array.from({ length: c.replicas }, (_, i) => `${c.id}-${i}`) : [c.id],
      capacity: c.queue.capacity,
      policy: c.queue.policy,
      ...(c.partitionKey ? { partitionKey: c.partitionKey } : {}),
      batchSize: Math.min(c.batch?.size ?? 100, Math.max(1, c.queue.capacity)),
      producerBatch: producerBatchSize(c.env.BATCH_SIZE, c.batch?.size),
      lingerMs: opts.router?.lingerMs ?? 1,
      ...(c.role === "source" ? { params: sourceParams(c) } : {}),
      ...(c.role === "sink" && c.inputEventTypes.length > 0 ? { acceptTypes: c.inputEventTypes } : {}),
    })),
    edges: dag.edges,
    statsIntervalMs: opts.router?.statsIntervalMs ?? 250,
    debug: opts.debug ?? logger.level === "debug",
  };
  let resolveCompleted!: (drained: boolean) => void;
  const routerCompleted = new Promise<boolean>((r) => (resolveCompleted = r));
  const router = new RouterHost(routerInit, {
    stats: (s) => stats.apply(s),
    log: (level, msg, fields) => logger[level](msg, fields),
    nodeEnded: (id) => logger.debug("component input drained", { component: id }),
    completed: (drained) => resolveCompleted(drained),
    linkDown: (instanceId, inflight, reason, attempt) => {
      // Every failed data-plane stream is visible: logged, a RunEvent, counted (streamErrors).
      logger.warn("data-plane stream failed", { component: instanceId, reason, inflight, attempt });
      if (inflight > 0) emit("edge.reconnected", instanceId, `stream to ${instanceId} broke with ${inflight} events in flight (${reason})`, { inflight, reason });
      else emit("edge.stream_failed", instanceId, `stream to ${instanceId} failed (${reason}); attempt ${attempt}`, { inflight, reason, attempt });
    },
    rejected: (instanceId, bytes, reason) => {
      logger.error("event rejected", { component: instanceId, bytes, reason });
      emit("edge.event_rejected", instanceId, reason, { bytes, reason });
    },
    failed: (err) => fail(err.message),
  });

  // ---- supervisor --------------------------------------------------------------------------------
  const forceAbort = new AbortController();
  const lifetime = new AbortController();
  const logs = new ComponentLogs(opts.logBuffer);
  const consoleSink = opts.console || undefined;
  const supervisor = new Supervisor({
    runId,
    pipeline,
    cwd,
    logDir,
    controlPlaneEndpoint,
    ...(cp.mode === "external" && cp.tls ? { controlPlaneTls: cp.tls } : {}),
    registry: registration,
    registrationTimeoutMs: opts.registrationTimeoutMs ?? 30_000,
    heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 10_000,
    backoff: opts.backoff ?? DEFAULT_BACKOFF,
    crashLoop: opts.crashLoop ?? DEFAULT_CRASH_LOOP,
    onLine: (instanceId, line, stream) => {
      logs.append(instanceId, stream, line);
      consoleSink?.(instanceId, line, stream);
    },
    events: {
      record: (type, componentId, message, data) => emit(type, componentId, message, data ?? null),
      instanceUp: (inst: SupervisedInstance) => {
        metrics.componentUp.set({ pipeline: pipeline.name, component_id: inst.instanceId }, 1);
        router.send({ type: "instanceUp", instanceId: inst.instanceId, endpoint: inst.endpoint!, wire: inst.wire!, inputEventTypes: inst.inputEventTypes });
      },
      instanceDown: (inst, permanent) => {
        metrics.componentUp.set({ pipeline: pipeline.name, component_id: inst.instanceId }, 0);
        router.send({ type: "instanceDown", instanceId: inst.instanceId, permanent });
      },
      restarted: (inst) => {
        stats.restarted(inst.component.id);
        metrics.componentRestarts.inc({ pipeline: pipeline.name, component_id: inst.instanceId });
      },
      fatal: (reason) => fail(reason),
      exitedClean: (inst) => {
        if (inst.component.role !== "source" && state === "running") fail(`component ${inst.instanceId} exited before the run finished (exit code 0); log file: ${inst.logFile}`);
      },
    },
  });
  const instanceIds = new Set(supervisor.instances.map((i) => i.instanceId));
  // Registrations claiming this run are checked by the registry itself when it is in this process.
  const unguard = localRegistry?.guardRun(runId, (info) => supervisor.guardRegistration(info));

  // ---- lifecycle -----------------------------------------------------------------------------------
  let finishing: Promise<RunSummary> | undefined;
  let resolveDone!: (s: RunSummary) => void;
  const done = new Promise<RunSummary>((r) => (resolveDone = r));
  let runForTimer: NodeJS.Timeout | undefined;

  const setState = (to: RunState) => {
    if (state === to) return;
    logger.debug("run state", { runId, from: state, to });
    // Recorded (and stored as a run event) because what follows — drain, component shutdown — is
    // not the pipeline's behaviour: diagnosis of a finished run reads the window that ends here.
    if (state === "running") {
      runningEndedAt = new Date();
      emit("run.status", null, `run ${to.toUpperCase()}`, { status: to.toUpperCase(), from: "RUNNING" });
    }
    state = to;
  };

  /** Brings everything down and records the terminal status (once). */
  const finish = (final: "completed" | "failed" | "stopped", drainFirst: boolean): Promise<RunSummary> => {
    finishing ??= (async () => {
      clearTimeout(runForTimer);
      const graceStart = Date.now();
      if (drainFirst && state === "running") {
        setState("draining");
        router.send({ type: "drain" });
        const drainBudget = new AbortController();
        const onForce = () => drainBudget.abort();
        forceAbort.signal.addEventListener("abort", onForce, { once: true });
        await Promise.race([routerCompleted, delay(gracePeriodMs / 2, drainBudget.signal)]);
        drainedAt = new Date();
        drainBudget.abort();
        forceAbort.signal.removeEventListener("abort", onForce);
      }
      setState(final === "completed" ? "draining" : "stopping");
      router.send({ type: "abort" });
      lifetime.abort(new FlowError("CANCELLED", "run ended"));
      await supervisor.stop(Math.max(500, gracePeriodMs - (Date.now() - graceStart)), forceAbort.signal);
      await router.close();
      await supervisor.unregisterAll().catch((err: unknown) => logger.warn("unregistering components failed", { error: String(err) }));
      unsubscribeRegistry?.();
      unguard?.();
      if (registration instanceof ExternalRegistry) registration.close();
      setState(final);
      const summary = buildSummary(final);
      emit("run.status", null, `run ${TERMINAL[final]}${error ? ": " + error : ""}`, { status: TERMINAL[final] });
      await persistChain;
      if (store) {
        await store.runs
          .update(runId, {
            status: TERMINAL[final],
            error,
            metrics: { eventsProcessed: summary.eventsProcessed, eventsPerSecond: summary.eventsPerSecond, bytesProcessed: summary.bytesProcessed, components: Object.fromEntries(summary.components.map((c) => [c.id, stripSummary(c)])) },
          })
          .catch((err: unknown) => logger.error("run record not updated", { runId, error: String(err) }));
      }
      resolveRecorded();
      if (externalRun) {
        await externalRun.finish(TERMINAL[final], error, summary);
        externalRun.close();
      }
      await controlPlane?.close({ graceMs: 2_000 });
      forgetOwned();
      opts.signal?.removeEventListener("abort", onAbort);
      resolveDone(summary);
      return summary;
    })();
    return finishing;
  };

  const fail = (reason: string) => {
    if (finishing) return;
    error = reason;
    // Debug only: the run's owner reports the reason (the CLI's summary, the console); logged here
    // as well, a start failure was printed twice more around the summary.
    logger.debug("run failed", { runId, reason });
    void finish("failed", false);
  };

  const buildSummary = (final: "completed" | "failed" | "stopped"): RunSummary => {
    const endedAt = new Date();
    const components = stats.summaries();
    const sinks = components.filter((c) => c.role === "sink");
    const eventsProcessed = sinks.reduce((a, c) => a + c.eventsIn, 0);
    const bytesProcessed = sinks.reduce((a, c) => a + c.bytesIn, 0);
    const durationMs = endedAt.getTime() - startedAt.getTime();
    const runningMs = runningStartedAt ? Math.max(0, (drainedAt ?? runningEndedAt ?? endedAt).getTime() - runningStartedAt.getTime()) : 0;
    return {
      runId,
      pipeline: pipeline.name,
      status: TERMINAL[final],
      error,
      startedAt,
      endedAt,
      durationMs,
      runningMs,
      eventsProcessed,
      eventsPerSecond: runningMs > 0 ? eventsProcessed / (runningMs / 1000) : 0,
      bytesProcessed,
      components,
      logDir: path.join(logDir, runId),
    };
  };

  const handle: RunHandle = {
    runId,
    get state() {
      return state;
    },
    get runningEndedAt() {
      return runningEndedAt;
    },
    metrics,
    topology: (): RunTopology => ({
      pipeline: pipeline.name,
      runId,
      controlPlaneEndpoint,
      components: pipeline.components.map((c) => ({
        id: c.id,
        role: c.role,
        replicas: c.replicas,
        settings: { batch: c.batch ? { size: c.batch.size, flushIntervalMs: c.batch.flushIntervalMs } : null, queueCapacity: c.queue.capacity },
        instances: supervisor.instances
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
      edges: dag.edges.map((e) => {
        const to = pipeline.components.find((c) => c.id === e.to)!;
        return { from: e.from, to: e.to, capacity: to.queue.capacity, policy: to.queue.policy };
      }),
    }),
    snapshot: () => stats.summaries(),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    logs: (instanceId, o = {}) => {
      if (!instanceIds.has(instanceId)) throw new NotFoundError("instance", instanceId);
      return logs.tail(instanceId, o.tail);
    },
    onLog: (listener) => logs.subscribe(listener),
    stop: (reason = "stopped") => {
      if (!finishing) logger.info("stopping run", { runId, reason });
      return finish("stopped", true);
    },
    forceStop: () => {
      forceAbort.abort();
      void finish("stopped", false);
    },
    done,
  };
  const forgetOwned = trackOwnedRun(handle, recorded);

  const onAbort = () => void handle.stop("aborted");
  if (opts.signal?.aborted) void handle.stop("aborted");
  else opts.signal?.addEventListener("abort", onAbort, { once: true });

  void routerCompleted.then((drained) => {
    if (finishing) return;
    logger.info("every source ended and every queue drained", { runId, drained });
    void finish("completed", false);
  });

  // Start in the background: the handle is usable (topology, events, stop) while components start.
  void (async () => {
    try {
      emit("run.status", null, "run STARTING", { status: "STARTING" });
      await supervisor.startAll(lifetime.signal);
      if (finishing) return;
      if (store) await store.runs.update(runId, { status: "RUNNING" });
      setState("running");
      runningStartedAt = new Date();
      emit("run.status", null, "run RUNNING", { status: "RUNNING" });
      void externalRun?.running((status) => void handle.stop(`run marked ${status} on the external control plane ${controlPlaneEndpoint} (StopPipelineRun)`));
      router.send({ type: "start" });
      if (opts.runForMs !== undefined) runForTimer = setTimeout(() => void handle.stop(`--for ${opts.runForMs} ms elapsed`), opts.runForMs);
    } catch (err) {
      fail(toFlowError(err).message);
    }
  })();

  return handle;
}

/** The batch size a component produces with (the BATCH_SIZE it is given, else the SDK default 100). */
function producerBatchSize(envValue: string | undefined, batchSize: number | undefined): number {
  const fromEnv = envValue !== undefined ? Number(envValue) : NaN;
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return batchSize ?? 100;
}

function stripSummary(c: RunSummary["components"][number]) {
  const { id: _id, role: _role, instances: _instances, queueDepth: _queueDepth, queuePeakDepth: _queuePeakDepth, filtered: _filtered, ...metrics } = c;
  return metrics;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });
}
