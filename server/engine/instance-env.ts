/**
 * The environment contract of one component instance (docs/ARCHITECTURE.md, "Environment
 * contract"): the component's own env, then what the engine sets. The FLOWCTL_* values, HOST and
 * the per-spawn secret are forced: a component's YAML env or the engine's shell cannot point it at
 * another control plane, run or TLS setting. Drivers add their own base (a process inherits the
 * engine's environment minus {@link ENGINE_OWNED_ENV}).
 */
import path from "node:path";
import type { CompiledComponent } from "../core/spec/compile";
import type { InstancePorts } from "../drivers/driver";
import { INSTANCE_SECRET_ENV } from "../wire/instance-proof";
import type { ControlPlaneTlsFiles } from "./run-types";

const TLS_ENV = ["FLOWCTL_TLS_CA_CERT", "FLOWCTL_TLS_CERT", "FLOWCTL_TLS_KEY", "FLOWCTL_TLS_SERVER_NAME"] as const;

/** Variables only the engine sets: inherited values are dropped, YAML values replaced. */
export const ENGINE_OWNED_ENV: readonly string[] = [
  "ENABLE_FLOWCTL",
  "FLOWCTL_ENDPOINT",
  "FLOWCTL_COMPONENT_ID",
  "FLOWCTL_SERVICE_ID",
  "FLOWCTL_HEARTBEAT_INTERVAL",
  "FLOWCTL_HEARTBEAT_INTERVAL_MS",
  "FLOWCTL_RUN_ID",
  "FLOWCTL_ATTEMPT",
  INSTANCE_SECRET_ENV,
  ...TLS_ENV,
  "PARTITION_ID",
  "PARTITION_COUNT",
];

/** Run-wide inputs of the contract. */
export interface RunEnvOptions {
  runId: string;
  controlPlaneEndpoint: string;
  heartbeatIntervalMs: number;
  /** TLS towards the control plane (absolute PEM paths), else none. */
  controlPlaneTls?: ControlPlaneTlsFiles;
  /** Address components bind to unless their env sets HOST (the driver's, e.g. 127.0.0.1). */
  bindHost: string;
  /** The run's log directory: sinks' dead-letter files go there unless their env says otherwise. */
  runDir?: string;
}

/** Per-spawn inputs of the contract. */
export interface InstanceEnvInput {
  instanceId: string;
  index: number;
  attempt: number;
  ports: InstancePorts;
  secret: string;
}

/** The env of one spawn of `c`. */
export function buildInstanceEnv(c: CompiledComponent, inst: InstanceEnvInput, run: RunEnvOptions): Record<string, string> {
  const env: Record<string, string> = { ...c.env };
  const p = inst.ports;
  env.PORT = c.env.PORT ?? String(p.port);
  env.HEALTH_PORT = c.env.HEALTH_PORT ?? String(c.healthPort ?? p.healthPort);
  env.METRICS_PORT = c.env.METRICS_PORT ?? String(p.metricsPort);
  // Loopback unless the pipeline asks for more, explicitly (env HOST or a host in PORT).
  env.HOST = c.env.HOST ?? run.bindHost;
  env.ENABLE_METRICS = c.env.ENABLE_METRICS ?? "true";
  env.MAX_QUEUE_SIZE = c.env.MAX_QUEUE_SIZE ?? String(c.queue.capacity);
  if (c.batch) {
    env.BATCH_SIZE = c.env.BATCH_SIZE ?? String(c.batch.size);
    env.BATCH_FLUSH_INTERVAL_MS = c.env.BATCH_FLUSH_INTERVAL_MS ?? String(c.batch.flushIntervalMs);
  }
  if (c.role === "sink") {
    if (c.retry) {
      env.RETRY_MAX_ATTEMPTS = String(c.retry.maxAttempts);
      env.RETRY_BACKOFF_MS = String(c.retry.backoffMs);
      env.RETRY_MAX_BACKOFF_MS = String(c.retry.maxBackoffMs);
    }
    if (run.runDir && c.env.DEAD_LETTER_FILE === undefined) env.DEAD_LETTER_FILE = path.join(run.runDir, `${inst.instanceId}.dead-letter.jsonl`);
  }
  for (const k of ENGINE_OWNED_ENV) delete env[k];
  if (c.replicas > 1) {
    env.PARTITION_ID = String(inst.index);
    env.PARTITION_COUNT = String(c.replicas);
  }
  Object.assign(env, {
    ENABLE_FLOWCTL: "true",
    FLOWCTL_ENDPOINT: run.controlPlaneEndpoint,
    FLOWCTL_COMPONENT_ID: inst.instanceId,
    FLOWCTL_SERVICE_ID: inst.instanceId,
    FLOWCTL_HEARTBEAT_INTERVAL: `${Math.max(1, Math.round(run.heartbeatIntervalMs / 1000))}s`,
    FLOWCTL_HEARTBEAT_INTERVAL_MS: String(run.heartbeatIntervalMs),
    FLOWCTL_RUN_ID: run.runId,
    FLOWCTL_ATTEMPT: String(inst.attempt),
    // Per spawn: a registration must prove it comes from this very process (registration-check.ts).
    [INSTANCE_SECRET_ENV]: inst.secret,
  });
  const tls = run.controlPlaneTls;
  if (tls) {
    env.FLOWCTL_TLS_CA_CERT = tls.caCert;
    if (tls.cert !== undefined && tls.key !== undefined) Object.assign(env, { FLOWCTL_TLS_CERT: tls.cert, FLOWCTL_TLS_KEY: tls.key });
    if (tls.serverName) env.FLOWCTL_TLS_SERVER_NAME = tls.serverName;
  }
  return env;
}
