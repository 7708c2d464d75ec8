/**
 * The environment contract the engine sets for a component process, parsed once with zod into a
 * {@link CompiledRuntimeConfig}. Nothing else in the SDK reads `process.env`.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { FlowError } from "../core/errors";
import { isLoopbackHost } from "../core/loopback";
import { envFields } from "../core/spec/env-fields";
import type { ControlPlaneTlsPem } from "../wire/control-plane-tls";

/** Bad component configuration (env); the message names the variable. Exits the process with 2. */
export class ComponentConfigError extends FlowError {
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
    this.name = "ComponentConfigError";
  }
}

/** Where a server listens: `:port`, `host:port` or a bare port number. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** PORT as written: the host part only when one was given. */
interface PortValue {
  host: string | undefined;
  port: number;
}

const listenAddress = z.string().transform((raw, ctx): PortValue => {
  const s = raw.trim();
  const m = /^(?:(.*):)?(\d+)$/.exec(s);
  if (!m) {
    ctx.addIssue({ code: "custom", message: `expected :port, host:port or a port number, got ${JSON.stringify(raw)}` });
    return z.NEVER;
  }
  const port = Number(m[2]);
  if (port > 65535) {
    ctx.addIssue({ code: "custom", message: `port ${port} is out of range` });
    return z.NEVER;
  }
  return { host: m[1] || undefined, port };
});

const { bool, nonNegativeInt, positiveInt, portNumber, duration } = envFields;

const envSchema = z.object({
  FLOWCTL_ENDPOINT: z.string().trim().optional(),
  ENABLE_FLOWCTL: bool.optional(),
  FLOWCTL_COMPONENT_ID: z.string().trim().optional(),
  FLOWCTL_SERVICE_ID: z.string().trim().optional(),
  FLOWCTL_RUN_ID: z.string().optional(),
  FLOWCTL_ATTEMPT: nonNegativeInt.optional(),
  FLOWCTL_INSTANCE_SECRET: z.string().optional(),
  FLOWCTL_TOKEN: z.string().optional(),
  FLOWCTL_TLS_CA_CERT: z.string().trim().optional(),
  FLOWCTL_TLS_CERT: z.string().trim().optional(),
  FLOWCTL_TLS_KEY: z.string().trim().optional(),
  FLOWCTL_TLS_SERVER_NAME: z.string().trim().optional(),
  FLOWCTL_HEARTBEAT_INTERVAL_MS: positiveInt.optional(),
  FLOWCTL_HEARTBEAT_INTERVAL: duration.optional(),
  PORT: listenAddress.default({ host: undefined, port: 50051 }),
  HOST: z.string().trim().min(1).optional(),
  FLOWCTL_ADVERTISE_ADDRESS: z
    .string()
    .trim()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(:\d{1,5})?$/, "expected host or host:port (the address the engine dials, e.g. gen:50051)")
    .optional(),
  HEALTH_PORT: portNumber.optional(),
  METRICS_PORT: portNumber.optional(),
  ENABLE_METRICS: bool.default(true),
  MAX_QUEUE_SIZE: positiveInt.default(1000),
  BATCH_SIZE: positiveInt.optional(),
  BATCH_FLUSH_INTERVAL_MS: nonNegativeInt.optional(),
  RETRY_MAX_ATTEMPTS: positiveInt.optional(),
  RETRY_BACKOFF_MS: nonNegativeInt.optional(),
  RETRY_MAX_BACKOFF_MS: nonNegativeInt.optional(),
  DEAD_LETTER_FILE: z.string().trim().min(1).optional(),
  PARTITION_ID: nonNegativeInt.optional(),
  PARTITION_COUNT: positiveInt.optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], { message: "must be debug, info, warn or error" }).optional(),
  LOG_FORMAT: z.enum(["text", "json"], { message: "must be text or json" }).optional(),
  FLOWCTL_WIRE: z.enum(["batch", "event"], { message: "must be batch or event" }).default("batch"),
});

/** Validated runtime configuration of one component process. */
export interface CompiledRuntimeConfig {
  /** FLOWCTL_COMPONENT_ID (or FLOWCTL_SERVICE_ID), else `<name>-<random>`. */
  componentId: string;
  /** Control-plane address; undefined = standalone (no registration). */
  controlPlaneEndpoint: string | undefined;
  heartbeatIntervalMs: number;
  /** FLOWCTL_TOKEN: sent as `authorization: Bearer …` to a control plane that requires it. */
  controlPlaneToken: string | undefined;
  /**
   * FLOWCTL_TLS_CA_CERT (turns TLS on), FLOWCTL_TLS_CERT + FLOWCTL_TLS_KEY (mTLS),
   * FLOWCTL_TLS_SERVER_NAME: read once at start-up; undefined = plaintext or standalone.
   */
  controlPlaneTls: ControlPlaneTlsPem | undefined;
  /**
   * FLOWCTL_WIRE: `batch` (default) offers the batched wire at registration; `event` hides it so
   * engines use the per-event flowctl.v1 wire (benchmarks compare the two, and it eases debugging).
   */
  offerBatchWire: boolean;
  /** FLOWCTL_RUN_ID: the run this process belongs to (sent at registration as `flowctl_run_id`). */
  runId: string | undefined;
  /**
   * Bearer tokens a data-plane call must carry (`authorization: Bearer …`; GetInfo and HealthCheck
   * are exempt): the instance secret when the engine started this process — the engine sends it —
   * plus FLOWCTL_TOKEN; without an instance secret, FLOWCTL_TOKEN when listening off-loopback (the
   * data plane crosses machines). Empty = open (a standalone component on loopback).
   */
  dataPlaneCredentials: string[];
  /** FLOWCTL_ATTEMPT: the spawn attempt (sent as `flowctl_attempt`). */
  attempt: number | undefined;
  /**
   * FLOWCTL_INSTANCE_SECRET: per-spawn secret from the engine; registration carries a proof made
   * with it (never the secret), which the engine checks before sending this process any data.
   */
  instanceSecret: string | undefined;
  listen: ListenAddress;
  /**
   * FLOWCTL_ADVERTISE_ADDRESS: the endpoint registered with the control plane when the engine runs
   * elsewhere (a container's service name, a pod IP): `host` (with the gRPC port) or `host:port`.
   * Unset: the listen host, loopback for a wildcard one.
   */
  advertiseAddress: string | undefined;
  /** HTTP /health, /ready, /live. @default 8088 */
  healthPort: number;
  /** Prometheus /metrics; undefined when ENABLE_METRICS=false. @default 9090 */
  metricsPort: number | undefined;
  /** Bound of events buffered inside the component before its inputs are paused. @default 1000 */
  maxQueueSize: number;
  /** Events per outgoing wire batch (sources, processors) or per sink flush when set. */
  batchSize: number | undefined;
  /** Linger before a partial batch is sent / a sink flushes, when set. */
  batchFlushIntervalMs: number | undefined;
  partition: { id: number; count: number } | undefined;
  /**
   * Sinks: RETRY_MAX_ATTEMPTS (writes of a batch in all; 1 = no retry), RETRY_BACKOFF_MS (first
   * wait, doubling), RETRY_MAX_BACKOFF_MS (cap) — the pipeline's `retry:`, passed by the engine.
   */
  sinkRetry: { maxAttempts: number; backoffMs: number; maxBackoffMs: number };
  /** Sinks: DEAD_LETTER_FILE, JSON lines of the events whose retries were exhausted (the engine sets one per instance). */
  deadLetterFile: string | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
  logJson: boolean;
}

type TlsEnv = Partial<Record<"FLOWCTL_TLS_CA_CERT" | "FLOWCTL_TLS_CERT" | "FLOWCTL_TLS_KEY" | "FLOWCTL_TLS_SERVER_NAME", string>>;

/** A PEM file named by an env variable; unreadable or not PEM → an error naming both. */
function readPemVariable(variable: string, file: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new ComponentConfigError(`invalid environment: ${variable}: cannot read ${JSON.stringify(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // Caught here rather than as an opaque OpenSSL error at the first connection attempt.
  if (!pem.includes("-----BEGIN ")) throw new ComponentConfigError(`invalid environment: ${variable}: ${JSON.stringify(file)} is not a PEM file`);
  return pem;
}

/**
 * Validates the TLS variables (cert and key together, both need the CA) and, when `read`, loads
 * the files. Validation runs even for a standalone component, so a broken env never goes unnoticed.
 */
function compileTls(e: TlsEnv, read: boolean): CompiledRuntimeConfig["controlPlaneTls"] {
  const { FLOWCTL_TLS_CA_CERT: ca, FLOWCTL_TLS_CERT: cert, FLOWCTL_TLS_KEY: key, FLOWCTL_TLS_SERVER_NAME: serverName } = e;
  if ((cert === undefined) !== (key === undefined)) {
    const [set, missing] = cert !== undefined ? ["FLOWCTL_TLS_CERT", "FLOWCTL_TLS_KEY"] : ["FLOWCTL_TLS_KEY", "FLOWCTL_TLS_CERT"];
    throw new ComponentConfigError(`invalid environment: ${set} is set but ${missing} is not (a client certificate needs its key: set both or neither)`);
  }
  if (ca === undefined) {
    const stray = (["FLOWCTL_TLS_CERT", "FLOWCTL_TLS_SERVER_NAME"] as const).find((v) => e[v] !== undefined);
    if (stray) throw new ComponentConfigError(`invalid environment: ${stray} needs FLOWCTL_TLS_CA_CERT (the CA to trust; setting it turns TLS on)`);
    return undefined;
  }
  if (!read) return undefined;
  return {
    ca: readPemVariable("FLOWCTL_TLS_CA_CERT", ca),
    ...(cert !== undefined && key !== undefined ? { cert: readPemVariable("FLOWCTL_TLS_CERT", cert), key: readPemVariable("FLOWCTL_TLS_KEY", key) } : {}),
    ...(serverName ? { serverName } : {}),
  };
}

/** Formats zod issues as `VAR: message; VAR2: message`. */
export function formatEnvIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${String(i.path[0] ?? "env")}: ${i.message}`).join("; ");
}

/**
 * Parses the environment contract. Throws {@link ComponentConfigError} naming the variable.
 * @example compileRuntimeConfig(process.env, "load-generator")
 */
export function compileRuntimeConfig(env: Record<string, string | undefined>, name: string): CompiledRuntimeConfig {
  // Empty strings mean "unset" (shells and YAML often export VAR= ).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = envSchema.safeParse(cleaned);
  if (!r.success) throw new ComponentConfigError(`invalid environment: ${formatEnvIssues(r.error.issues)}`);
  const e = r.data;
  if ((e.PARTITION_ID === undefined) !== (e.PARTITION_COUNT === undefined)) {
    throw new ComponentConfigError("invalid environment: PARTITION_ID and PARTITION_COUNT must be set together");
  }
  const backoffMs = e.RETRY_BACKOFF_MS ?? 100;
  const maxBackoffMs = e.RETRY_MAX_BACKOFF_MS ?? Math.max(10_000, backoffMs);
  if (maxBackoffMs < backoffMs) throw new ComponentConfigError(`invalid environment: RETRY_MAX_BACKOFF_MS: must be ≥ RETRY_BACKOFF_MS (${backoffMs})`);
  if (e.PARTITION_ID !== undefined && e.PARTITION_COUNT !== undefined && e.PARTITION_ID >= e.PARTITION_COUNT) {
    throw new ComponentConfigError(`invalid environment: PARTITION_ID: must be < PARTITION_COUNT (${e.PARTITION_COUNT})`);
  }
  const registrationEnabled = e.FLOWCTL_ENDPOINT !== undefined && e.ENABLE_FLOWCTL !== false;
  // PORT's own host wins, then HOST (the engine passes 127.0.0.1), then every interface (containers).
  const listen: ListenAddress = { host: e.PORT.host ?? e.HOST ?? "0.0.0.0", port: e.PORT.port };
  const dataPlaneCredentials = e.FLOWCTL_INSTANCE_SECRET
    ? [e.FLOWCTL_INSTANCE_SECRET, ...(e.FLOWCTL_TOKEN ? [e.FLOWCTL_TOKEN] : [])]
    : e.FLOWCTL_TOKEN && !isLoopbackHost(listen.host)
      ? [e.FLOWCTL_TOKEN]
      : [];
  const controlPlaneTls = compileTls(e, registrationEnabled);
  return {
    componentId: e.FLOWCTL_COMPONENT_ID || e.FLOWCTL_SERVICE_ID || `${name}-${Math.random().toString(16).slice(2, 10)}`,
    controlPlaneEndpoint: registrationEnabled ? e.FLOWCTL_ENDPOINT : undefined,
    // The Go SDK multiplied FLOWCTL_HEARTBEAT_INTERVAL by a millisecond (115-day heartbeats); we
    // prefer the _MS variant and parse the other as a duration.
    heartbeatIntervalMs: e.FLOWCTL_HEARTBEAT_INTERVAL_MS ?? e.FLOWCTL_HEARTBEAT_INTERVAL ?? 10_000,
    controlPlaneToken: e.FLOWCTL_TOKEN,
    controlPlaneTls,
    offerBatchWire: e.FLOWCTL_WIRE === "batch",
    runId: e.FLOWCTL_RUN_ID,
    dataPlaneCredentials,
    attempt: e.FLOWCTL_ATTEMPT,
    instanceSecret: e.FLOWCTL_INSTANCE_SECRET,
    listen,
    advertiseAddress: e.FLOWCTL_ADVERTISE_ADDRESS,
    healthPort: e.HEALTH_PORT ?? 8088,
    metricsPort: e.ENABLE_METRICS ? (e.METRICS_PORT ?? 9090) : undefined,
    maxQueueSize: e.MAX_QUEUE_SIZE,
    batchSize: e.BATCH_SIZE,
    batchFlushIntervalMs: e.BATCH_FLUSH_INTERVAL_MS,
    partition: e.PARTITION_ID !== undefined && e.PARTITION_COUNT !== undefined ? { id: e.PARTITION_ID, count: e.PARTITION_COUNT } : undefined,
    sinkRetry: { maxAttempts: e.RETRY_MAX_ATTEMPTS ?? 1, backoffMs, maxBackoffMs },
    deadLetterFile: e.DEAD_LETTER_FILE,
    logLevel: e.LOG_LEVEL ?? "info",
    logJson: e.LOG_FORMAT === "json",
  };
}

/**
 * Parses a component's own env variables with a zod object schema; errors name the variable.
 * Built-ins use this for EVENTS_PER_SECOND, FILE_PATH, …
 */
export function parseComponentEnv<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>, component: string): z.output<T> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = schema.safeParse(cleaned);
  if (!r.success) throw new ComponentConfigError(`${component}: invalid environment: ${formatEnvIssues(r.error.issues)}`);
  return r.data;
}

export { envFields };
