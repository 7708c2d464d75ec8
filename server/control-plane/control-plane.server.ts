/**
 * The control-plane gRPC server: flowctl.v1.ControlPlaneService, legacy flowctl.ControlPlane,
 * grpc.health.v1.Health and server reflection on one port, plus the janitor that expires silent
 * components and the registry snapshot kept in the store.
 */
import * as grpc from "@grpc/grpc-js";
import { FlowError, OperationalError } from "../core/errors";
import { silentLogger, type Logger } from "../core/logger";
import type { Store } from "../storage/store";
import { loadProtos, services } from "../wire/protos";
import { assertListenSecurity, bearerTokenInterceptor, serverCredentials, type TlsOptions } from "./auth";
import { createControlPlaneV1Handlers } from "./control-plane-v1.handler";
import { tolerantDeserializer } from "./grpc-errors";
import { HealthService, loadHealthDefinition } from "./health.service";
import { createLegacyControlPlaneHandlers } from "./legacy-control-plane.handler";
import type { ComponentRegistry } from "./registry";
import { addLazyReflection } from "./lazy-reflection";
import { RegistrySnapshotWriter } from "./registry-snapshot";
import { RunTrackingService, type RunController } from "./run-tracking.service";

/** Names of the services this server answers. */
export const CONTROL_PLANE_SERVICES = ["flowctl.v1.ControlPlaneService", "flowctl.ControlPlane"] as const;

/** Default gRPC message size limit, both directions. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** Listen address. @default "127.0.0.1" */
  address?: string;
  /** Listen port; 0 picks a free one. @default 8080 */
  port?: number;
  /** Bearer token required on every RPC when set (FLOWCTL_TOKEN). */
  token?: string;
  /** TLS (mTLS when `ca` is given). */
  tls?: TlsOptions;
  registry: ComponentRegistry;
  /** Run tracking and the registry snapshot; without it run RPCs answer FAILED_PRECONDITION. */
  store?: Store;
  /** The local engine's hook for stopping runs it owns. */
  runController?: RunController;
  /** How often the janitor expires components. @default 10000 */
  janitorIntervalMs?: number;
  /** Max gRPC message size in bytes, both directions. @default 16 MiB */
  maxMessageBytes?: number;
  /** Restore the registry from the store's snapshot before serving. @default true */
  restoreRegistry?: boolean;
  /** Mark runs whose owning process died (STARTING/RUNNING) INTERRUPTED at start. @default true */
  recoverRuns?: boolean;
  logger?: Logger;
  /** Aborting closes the server. */
  signal?: AbortSignal;
}

/** A running control plane. */
export interface ControlPlaneHandle {
  readonly address: string;
  /** The bound port (the real one when 0 was asked). */
  readonly port: number;
  /** `address:port` for clients. */
  readonly endpoint: string;
  /** Graceful stop: NOT_SERVING, finish in-flight calls (bounded), write the registry snapshot. */
  close(opts?: { graceMs?: number }): Promise<void>;
}

type ServiceDef = grpc.ServiceDefinition;

/** Same service definition with tolerant request deserializers (malformed → INVALID_ARGUMENT). */
function withTolerantDecoding(def: ServiceDef): ServiceDef {
  return Object.fromEntries(
    Object.entries(def).map(([name, m]) => [name, { ...m, requestDeserialize: tolerantDeserializer(m.requestDeserialize) }]),
  ) as ServiceDef;
}

function bindAsync(server: grpc.Server, target: string, creds: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(target, creds, (err, port) => (err ? reject(err) : resolve(port))));
}

/** Starts the control plane; resolves once it listens. */
export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlaneHandle> {
  const address = opts.address ?? "127.0.0.1";
  const requestedPort = opts.port ?? 8080;
  const logger = (opts.logger ?? silentLogger).child({ component: "control-plane" });
  const maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const janitorIntervalMs = opts.janitorIntervalMs ?? 10_000;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) throw new FlowError("INVALID_ARGUMENT", `port: must be 0-65535 (got ${requestedPort})`);
  if (!(janitorIntervalMs > 0)) throw new FlowError("INVALID_ARGUMENT", "janitorIntervalMs: must be positive");
  assertListenSecurity(address, opts.token, opts.tls);
  if (opts.signal?.aborted) throw new FlowError("CANCELLED", "control plane start aborted");

  const registry = opts.registry;
  let snapshot: RegistrySnapshotWriter | undefined;
  if (opts.store) {
    if (opts.restoreRegistry ?? true) {
      const restored = await RegistrySnapshotWriter.restore(registry, opts.store);
      if (restored.length > 0) logger.info("registry restored from store", { components: restored.length });
    }
    snapshot = new RegistrySnapshotWriter(registry, opts.store, { logger });
    if (opts.recoverRuns ?? true) {
      const interrupted = await opts.store.runs.markInterrupted();
      if (interrupted.length > 0) logger.warn("runs left running by a stopped process marked INTERRUPTED", { runs: interrupted });
    }
  }

  const server = new grpc.Server({
    "grpc.max_receive_message_length": maxMessageBytes,
    "grpc.max_send_message_length": maxMessageBytes,
    ...(opts.token ? { interceptors: [bearerTokenInterceptor(opts.token)] } : {}),
  });
  let endpoint = `${address}:${requestedPort}`;
  const health = new HealthService([...CONTROL_PLANE_SERVICES]);
  const runs = new RunTrackingService(opts.store, opts.runController);
  server.addService(withTolerantDecoding(services.controlPlaneV1.service), createControlPlaneV1Handlers({ registry, logger, endpoint: () => endpoint }));
  server.addService(withTolerantDecoding(services.legacyControlPlane.service), createLegacyControlPlaneHandlers({ registry, runs, logger, endpoint: () => endpoint }));
  const healthDefs = loadHealthDefinition();
  const healthCtor = (grpc.loadPackageDefinition(healthDefs) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } }).grpc.health.v1.Health;
  server.addService(healthCtor.service, health.implementation());
  addLazyReflection(server, { ...loadProtos().defs, ...healthDefs });

  const host = address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
  let port: number;
  try {
    port = await bindAsync(server, `${host}:${requestedPort}`, serverCredentials(opts.tls));
  } catch (err) {
    await snapshot?.close();
    throw new OperationalError(`control plane cannot listen on ${host}:${requestedPort}: ${(err as Error).message}`, { cause: err, retryable: false });
  }
  endpoint = `${host}:${port}`;

  const janitor = setInterval(() => {
    const expired = registry.expire();
    if (expired.length > 0) logger.warn("components missed their heartbeats", { components: expired.map((c) => c.serviceId), ttlMs: registry.heartbeatTtlMs });
  }, janitorIntervalMs);
  janitor.unref();
  logger.info("control plane listening", { endpoint, tls: Boolean(opts.tls), mtls: Boolean(opts.tls?.ca), auth: Boolean(opts.token) });

  let closing: Promise<void> | undefined;
  const close = (closeOpts: { graceMs?: number } = {}): Promise<void> => {
    closing ??= (async () => {
      clearInterval(janitor);
      opts.signal?.removeEventListener("abort", onAbort);
      health.setAll("NOT_SERVING");
      health.closeWatchers();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, closeOpts.graceMs ?? 5_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      await snapshot?.close();
      logger.info("control plane stopped", { endpoint });
    })();
    return closing;
  };
  const onAbort = () => void close();
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  return { address, port, endpoint, close };
}
