/**
 * The control plane a run's components register with, per `RunPipelineOptions.controlPlane`:
 * embedded (started and closed with the run), shared (this process serves it for many runs) or
 * external (another process; registrations are polled, the run record is mirrored there).
 */
import { startControlPlane, type ControlPlaneHandle } from "../control-plane/control-plane.server";
import { ComponentRegistry } from "../control-plane/registry";
import type { RunController } from "../control-plane/run-tracking.service";
import type { Logger } from "../core/logger";
import type { Store } from "../storage/store";
import type { ControlPlaneTlsPem } from "../wire/control-plane-tls";
import { ExternalRegistry, readControlPlaneTls, type RegistrationPort } from "./external-registry";
import type { ControlPlaneMode } from "./run-types";

/** What a run uses of its control plane. */
export interface RunControlPlane {
  readonly mode: ControlPlaneMode["mode"];
  /** `host:port` components get as FLOWCTL_ENDPOINT. */
  readonly endpoint: string;
  readonly registration: RegistrationPort;
  /** The registry when it is in this process (embedded, shared): its guard refuses forged registrations. */
  readonly localRegistry: ComponentRegistry | undefined;
  /** External only: TLS material, read once for all of the engine's channels to that server. */
  readonly externalTls: ControlPlaneTlsPem | undefined;
  /** Closes what the run opened (the embedded server, the external registry's channel). */
  close(): Promise<void>;
}

/** Starts or joins the control plane; throws (nothing started) when that is impossible. */
export async function connectControlPlane(
  mode: ControlPlaneMode,
  deps: { registry?: ComponentRegistry; store?: Store; runController: RunController; logger: Logger },
): Promise<RunControlPlane> {
  if (mode.mode === "shared") {
    return { mode: "shared", endpoint: mode.endpoint, registration: mode.registry, localRegistry: mode.registry, externalTls: undefined, close: async () => undefined };
  }
  if (mode.mode === "external") {
    const externalTls = mode.tls ? readControlPlaneTls(mode.tls) : undefined;
    const registry = new ExternalRegistry(mode.endpoint, mode.token, externalTls);
    return { mode: "external", endpoint: mode.endpoint, registration: registry, localRegistry: undefined, externalTls, close: async () => registry.close() };
  }
  const ttl = mode.heartbeatTtlMs ?? 30_000;
  const registry = deps.registry ?? new ComponentRegistry({ heartbeatTtlMs: ttl });
  const server: ControlPlaneHandle = await startControlPlane({
    address: mode.address ?? "127.0.0.1",
    port: mode.port ?? 0,
    registry,
    ...(mode.token ? { token: mode.token } : {}),
    ...(deps.store ? { store: deps.store, restoreRegistry: false } : {}),
    // Expire missed heartbeats within a fraction of the TTL, so health changes show promptly.
    janitorIntervalMs: Math.min(10_000, Math.max(250, Math.floor(ttl / 3))),
    runController: deps.runController,
    logger: deps.logger,
  });
  return { mode: "embedded", endpoint: server.endpoint, registration: registry, localRegistry: registry, externalTls: undefined, close: () => server.close({ graceMs: 2_000 }) };
}
