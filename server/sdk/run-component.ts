/**
 * Runs a component definition as a process: env → config, HTTP /metrics + health, gRPC server
 * (per-event and batched wires), control-plane registration and heartbeats, and a SIGTERM drain
 * (stop reading, finish and acknowledge in-hand work, flush sinks, unregister, exit 0).
 */
import type * as grpc from "@grpc/grpc-js";
import type http from "node:http";
import { IllegalStateError } from "../core/errors";
import type { Logger } from "../core/logger";
import type { ComponentInfoObject } from "../wire/event-codec";
import { ATTEMPT_METADATA_KEY, INSTANCE_PROOF_METADATA_KEY, normalizeEndpoint, RUN_ID_METADATA_KEY } from "../core/registry";
import { instanceProof } from "../wire/instance-proof";
import { createHopTracer } from "../wire/hop-trace";
import { BATCH_WIRE_METADATA_KEY, BATCH_WIRE_V1, METRICS_PORT_METADATA_KEY } from "../wire/proto-dir";
import { compileRuntimeConfig, ComponentConfigError, type CompiledRuntimeConfig } from "./config";
import { createContext, realClock } from "./context";
import { ControlPlaneClient } from "./control-plane-client";
import { closeHttpServer, startHttpEndpoints } from "./http-server";
import { createSdkLogger } from "./logger";
import { ComponentMetrics } from "./metrics";
import type { ComponentDefinition } from "./types";
import type { ActiveStream } from "./wire/deps";
import { startComponentServer, stopComponentServer, type HealthState } from "./wire/grpc-server";

/** Lifecycle of a component process. */
export type ComponentState = "created" | "starting" | "running" | "draining" | "stopped" | "failed";

const TRANSITIONS: Record<ComponentState, readonly ComponentState[]> = {
  created: ["starting"],
  starting: ["running", "draining", "failed"],
  running: ["draining", "failed"],
  draining: ["stopped", "failed"],
  stopped: [],
  failed: [],
};

/** Options of {@link startComponent} / {@link runComponent}. */
export interface StartComponentOptions {
  /** @default process.env */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Total time the SIGTERM drain may take before streams are cut. @default 25_000 */
  drainTimeoutMs?: number;
  /** Aborting during start gives up (e.g. stops retrying registration); the start then rejects. */
  signal?: AbortSignal;
}

/** A started component (in this process). */
export interface RunningComponent {
  readonly componentId: string;
  readonly state: ComponentState;
  /** Bound gRPC port. */
  readonly port: number;
  readonly metricsPort: number | undefined;
  readonly healthPort: number;
  readonly config: CompiledRuntimeConfig;
  readonly metrics: ComponentMetrics;
  /** Drains and stops; idempotent. */
  stop(reason?: string): Promise<void>;
  /** Resolves when stopped. */
  readonly done: Promise<void>;
}

const ROLE_TYPE = { source: "COMPONENT_TYPE_SOURCE", processor: "COMPONENT_TYPE_PROCESSOR", sink: "COMPONENT_TYPE_CONSUMER" } as const;

/** Starts `def` in this process and returns once it is serving (and registered, if configured). */
export async function startComponent(def: ComponentDefinition, opts: StartComponentOptions = {}): Promise<RunningComponent> {
  const config = compileRuntimeConfig(opts.env ?? process.env, def.name);
  const logger = (opts.logger ?? createSdkLogger({ level: config.logLevel, json: config.logJson })).child({ component: config.componentId });
  const metrics = new ComponentMetrics({ componentId: config.componentId, role: def.role });
  const shutdown = new AbortController();
  const onStartAbort = () => shutdown.abort();
  opts.signal?.addEventListener("abort", onStartAbort, { once: true });
  const ctx = createContext({ componentId: config.componentId, signal: shutdown.signal, logger, metrics, partition: config.partition, clock: realClock });
  const streams = new Set<ActiveStream>();
  const startedAt = Date.now();
  let state: ComponentState = "created";
  const transition = (to: ComponentState) => {
    if (!TRANSITIONS[state].includes(to)) throw new IllegalStateError(state, to, "component transition");
    state = to;
  };
  const health = (): HealthState => (state === "running" ? "HEALTHY" : state === "draining" || state === "stopped" ? "STOPPING" : state === "failed" ? "UNHEALTHY" : "STARTING");
  transition("starting");

  const httpServers: http.Server[] = [];
  let grpcServer: grpc.Server | undefined;
  let controlPlane: ControlPlaneClient | undefined;
  let grpcPort = 0;
  let metricsPort: number | undefined;
  let healthPort = config.healthPort;

  const info = (): ComponentInfoObject => {
    const metadata: Record<string, string> = { health_port: String(healthPort), sdk: "flowctl-ts" };
    if (config.offerBatchWire) metadata[BATCH_WIRE_METADATA_KEY] = BATCH_WIRE_V1;
    if (metricsPort !== undefined) metadata[METRICS_PORT_METADATA_KEY] = String(metricsPort);
    if (config.partition) Object.assign(metadata, { partition_id: String(config.partition.id), partition_count: String(config.partition.count) });
    const host = config.listen.host === "0.0.0.0" || config.listen.host === "::" ? "127.0.0.1" : config.listen.host;
    const adv = config.advertiseAddress;
    // Another machine or container dials the advertised address; the listen host only works locally.
    const endpoint = adv ? (/:\d+$/.test(adv) ? adv : `${adv}:${grpcPort}`) : `${host}:${grpcPort}`;
    // The run this process belongs to, and the proof that it is the process the engine started.
    if (config.runId) {
      metadata[RUN_ID_METADATA_KEY] = config.runId;
      if (config.attempt !== undefined) metadata[ATTEMPT_METADATA_KEY] = String(config.attempt);
      if (config.instanceSecret) {
        metadata[INSTANCE_PROOF_METADATA_KEY] = instanceProof(config.instanceSecret, { runId: config.runId, componentId: config.componentId, endpoint: normalizeEndpoint(endpoint) });
      }
    }
    return {
      id: config.componentId,
      name: def.name,
      description: def.description ?? `flowctl ${def.role}`,
      version: def.version ?? "1.0.0",
      type: ROLE_TYPE[def.role],
      inputEventTypes: def.role === "source" ? [] : (def.inputEventTypes ?? []),
      outputEventTypes: def.role === "sink" ? [] : (def.outputEventTypes ?? []),
      endpoint,
      metadata,
    };
  };

  let setupDone = false;
  const cleanup = async () => {
    await controlPlane?.close();
    if (grpcServer) await stopComponentServer(grpcServer, 1_000);
    await Promise.all(httpServers.map(closeHttpServer));
  };

  try {
    try {
      await def.setup?.(ctx);
      setupDone = true;
    } catch (err) {
      throw new Error(`${def.name}: setup failed: ${(err as Error).message}`, { cause: err });
    }
    if (config.metricsPort !== undefined) {
      const s = await startHttpEndpoints({ metrics, health, startedAt }, config.metricsPort, config.healthPort === config.metricsPort ? "METRICS_PORT/HEALTH_PORT" : "METRICS_PORT", config.listen.host);
      httpServers.push(s.server);
      metricsPort = s.port;
      if (config.healthPort === config.metricsPort) healthPort = s.port;
    }
    if (config.metricsPort === undefined || config.healthPort !== config.metricsPort) {
      const s = await startHttpEndpoints({ metrics: undefined, health, startedAt }, config.healthPort, "HEALTH_PORT", config.listen.host);
      httpServers.push(s.server);
      healthPort = s.port;
    }
    const started = await startComponentServer(
      {
        deps: {
          def,
          ctx,
          metrics,
          logger,
          clock: realClock,
          batchSize: config.batchSize ?? 100,
          // 0 = adaptive (flush when the producer pauses and a credit is free), see pumpBatches.
          lingerMs: config.batchFlushIntervalMs ?? 0,
          maxQueueSize: config.maxQueueSize,
          shutdown: shutdown.signal,
          trace: createHopTracer(config.componentId, opts.env ?? process.env),
          track: (s) => {
            streams.add(s);
            return () => streams.delete(s);
          },
        },
        info,
        health,
        batchEnv: { batchSize: config.batchSize, batchFlushIntervalMs: config.batchFlushIntervalMs, retry: config.sinkRetry, deadLetterFile: config.deadLetterFile },
        credentials: config.dataPlaneCredentials,
      },
      config.listen.host,
      config.listen.port,
    );
    grpcServer = started.server;
    grpcPort = started.port;
    if (config.controlPlaneEndpoint) {
      controlPlane = new ControlPlaneClient({
        endpoint: config.controlPlaneEndpoint,
        info,
        heartbeatIntervalMs: config.heartbeatIntervalMs,
        token: config.controlPlaneToken,
        ...(config.controlPlaneTls ? { tls: config.controlPlaneTls } : {}),
        status: () => `HEALTH_STATUS_${health()}`,
        metrics: () => metrics.snapshot(),
        logger,
      });
      await controlPlane.register(shutdown.signal);
    }
    if (shutdown.signal.aborted) throw new Error(`${def.name}: start aborted`);
  } catch (err) {
    transition("failed");
    await cleanup();
    if (setupDone) {
      await Promise.resolve(def.teardown?.(ctx)).catch((tErr: Error) => logger.warn("teardown after failed start failed", { error: tErr.message }));
    }
    throw err;
  } finally {
    opts.signal?.removeEventListener("abort", onStartAbort);
  }
  transition("running");
  controlPlane?.startHeartbeats();
  logger.info("component ready", { role: def.role, port: grpcPort, metricsPort, healthPort, controlPlane: config.controlPlaneEndpoint ?? "standalone" });

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let stopping: Promise<void> | undefined;
  const drainTimeoutMs = opts.drainTimeoutMs ?? 25_000;

  const stop = (reason = "stop requested"): Promise<void> => {
    stopping ??= (async () => {
      transition("draining");
      logger.info("draining", { reason, streams: streams.size });
      await controlPlane?.heartbeatNow().catch((err: Error) => logger.debug("STOPPING heartbeat failed", { error: err.message }));
      shutdown.abort();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        Promise.allSettled([...streams].map((s) => s.drain())).then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), drainTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (!drained) logger.warn("drain timed out; cutting remaining streams", { timeoutMs: drainTimeoutMs });
      try {
        await def.teardown?.(ctx);
      } catch (err) {
        logger.error("teardown failed", { error: (err as Error).message });
      }
      await cleanup();
      transition("stopped");
      logger.info("stopped", { eventsProcessed: metrics.eventsProcessed, errors: metrics.errors });
      resolveDone();
    })();
    return stopping;
  };

  return {
    componentId: config.componentId,
    get state() {
      return state;
    },
    port: grpcPort,
    metricsPort,
    healthPort,
    config,
    metrics,
    stop,
    done,
  };
}

/**
 * Runs `def` as this process's component until SIGTERM/SIGINT/SIGHUP, then drains and exits 0. Bad
 * configuration prints `Error: …` naming the variable and exits 2.
 * @example await runComponent(defineProcessor({ name: "upper", process: (e) => e }))
 */
export async function runComponent(def: ComponentDefinition, opts: StartComponentOptions = {}): Promise<void> {
  // Signal handlers go in before anything starts: a SIGTERM right after the "ready" line (or
  // during registration retries) must drain or abort cleanly, never hit Node's default action.
  let running: RunningComponent | undefined;
  let signals = 0;
  const startAbort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`received ${signal} again; exiting without draining\n`);
      process.exit(1);
    }
    if (!running) {
      startAbort.abort();
      return;
    }
    void running.stop(`received ${signal}`).then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`Error: shutdown failed: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  // A closed terminal is a stop request too (Node's default for SIGHUP kills without draining).
  process.on("SIGHUP", onSignal);
  try {
    running = await startComponent(def, { ...opts, signal: startAbort.signal });
  } catch (err) {
    // Stopped while starting: nothing was serving yet, so there is nothing to drain.
    if (startAbort.signal.aborted) process.exit(0);
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    process.exit(err instanceof ComponentConfigError ? 2 : 1);
  }
  await running.done;
}
