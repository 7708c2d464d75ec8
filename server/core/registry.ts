/**
 * Component registry domain: what a registered component is, and the pure rules for its health.
 * Names mirror flowctl.v1 (ComponentInfo, HealthStatus) with the prefixes dropped.
 */
export const HEALTH_STATUSES = ["UNKNOWN", "STARTING", "HEALTHY", "DEGRADED", "UNHEALTHY", "STOPPING"] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export const COMPONENT_KINDS = ["UNSPECIFIED", "SOURCE", "PROCESSOR", "CONSUMER"] as const;
/** flowctl.v1.ComponentType without its prefix; sinks are CONSUMER on the wire. */
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

export interface ComponentInfo {
  id: string;
  name: string;
  description: string;
  version: string;
  type: ComponentKind;
  inputEventTypes: string[];
  outputEventTypes: string[];
  /** host:port of the component's gRPC server (`:port` means localhost). */
  endpoint: string;
  metadata: Record<string, string>;
}

export interface RegisteredComponent {
  /** Heartbeats are keyed by this: `component_id` ‖ `component.id`. */
  serviceId: string;
  info: ComponentInfo;
  status: HealthStatus;
  registeredAt: Date;
  lastHeartbeat: Date;
  /** Merged heartbeat metrics (flowctl semantics: keys are never removed). */
  metrics: Record<string, string>;
}

/**
 * Status after a heartbeat. Any heartbeat proves liveness, so UNKNOWN (all the Go SDK ever sends)
 * restores HEALTHY; an explicit status (STARTING, DEGRADED, STOPPING, …) is reported as sent.
 */
export function statusAfterHeartbeat(sent: HealthStatus): HealthStatus {
  return sent === "UNKNOWN" ? "HEALTHY" : sent;
}

/** True when a component's last heartbeat is older than the TTL and it should turn UNHEALTHY. */
export function isExpired(c: Pick<RegisteredComponent, "lastHeartbeat" | "status">, now: Date, ttlMs: number): boolean {
  return c.status !== "UNHEALTHY" && c.status !== "STOPPING" && now.getTime() - c.lastHeartbeat.getTime() > ttlMs;
}

/** `:50051` → `127.0.0.1:50051`; host:port unchanged. */
export function normalizeEndpoint(endpoint: string): string {
  return endpoint.startsWith(":") ? `127.0.0.1${endpoint}` : endpoint;
}

/** Kind on the wire for a spec role. */
export function kindOfRole(role: "source" | "processor" | "sink"): ComponentKind {
  return role === "source" ? "SOURCE" : role === "processor" ? "PROCESSOR" : "CONSUMER";
}

/**
 * Registration metadata naming the run a component belongs to (the key upstream's run reporter
 * uses too). Registrations that carry it are kept per run: two runs may both have a `gen`.
 */
export const RUN_ID_METADATA_KEY = "flowctl_run_id";
/** Registration metadata: the spawn attempt (FLOWCTL_ATTEMPT) of the instance that registered. */
export const ATTEMPT_METADATA_KEY = "flowctl_attempt";
/**
 * Registration metadata: HMAC of the registration under the per-instance secret the engine gave
 * the process it spawned (FLOWCTL_INSTANCE_SECRET); see `server/wire/instance-proof.ts`.
 */
export const INSTANCE_PROOF_METADATA_KEY = "flowctl.instance_proof";

/** The run a registration claims (metadata `flowctl_run_id`), if any. */
export function runIdOf(info: Pick<ComponentInfo, "metadata">): string | undefined {
  const v = info.metadata[RUN_ID_METADATA_KEY];
  return v ? v : undefined;
}

/**
 * Registry key of a registration: the service id, qualified by the run it claims so that the same
 * component id in two runs never overwrites the other (`gen@<run-id>`). Unclaimed registrations
 * (foreign components) keep the plain service id, as upstream does.
 */
export function registryKey(serviceId: string, runId: string | undefined): string {
  return runId ? `${serviceId}@${runId}` : serviceId;
}

/** The port of a `host:port` / `:port` endpoint, undefined when there is none. */
export function endpointPort(endpoint: string): number | undefined {
  const m = /:(\d+)$/.exec(endpoint.trim()) ?? /^(\d+)$/.exec(endpoint.trim());
  if (!m) return undefined;
  const port = Number(m[1]);
  return port > 0 && port <= 65535 ? port : undefined;
}
