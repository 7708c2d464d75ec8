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
