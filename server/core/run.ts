/** Pipeline runs: status lifecycle (guarded), records and the lifecycle log. */
import { IllegalStateError } from "./errors";

export const RUN_STATUSES = ["STARTING", "RUNNING", "COMPLETED", "FAILED", "STOPPED", "INTERRUPTED"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(["COMPLETED", "FAILED", "STOPPED", "INTERRUPTED"]);

const TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  STARTING: ["RUNNING", "FAILED", "STOPPED", "INTERRUPTED"],
  RUNNING: ["COMPLETED", "FAILED", "STOPPED", "INTERRUPTED"],
  COMPLETED: [],
  FAILED: [],
  STOPPED: [],
  INTERRUPTED: [],
};

export function canTransitionRun(from: RunStatus, to: RunStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/** Throws IllegalStateError when `from → to` is not a run transition. */
export function assertRunTransition(from: RunStatus, to: RunStatus): void {
  if (!canTransitionRun(from, to)) throw new IllegalStateError(from, to, "run transition");
}

export interface ComponentRunMetrics {
  eventsIn: number;
  eventsOut: number;
  bytesIn: number;
  bytesOut: number;
  processingTimeMs: number;
  errors: number;
  restarts: number;
  /** Events in flight to the component when it crashed and not delivered again. */
  lost: number;
  /** Events in flight at a crash that were delivered again after the restart. */
  redelivered: number;
  /** Events discarded by a drop_oldest queue in front of the component. */
  dropped: number;
}

/**
 * Where the events a producer emitted for one edge went. At the end of a run
 * `produced = delivered + dropped + rejected + lost + abandoned` (then `inFlight` is 0 and
 * `unaccounted` — the difference, a bug if not 0 — is reported as is).
 */
export interface EdgeAccount {
  from: string;
  to: string;
  /** Emitted by `from` for this edge: queued, or rejected as too large. */
  produced: number;
  /** Acknowledged by `to`. */
  delivered: number;
  /** Discarded by a `drop_oldest` queue (policy). */
  dropped: number;
  /** Larger than one data-plane message: never delivered. */
  rejected: number;
  /** In flight to a crashed instance and not re-sendable. */
  lost: number;
  /** Queued or in flight when the run ended without draining. */
  abandoned: number;
  /** Kept off the edge by the sink's event-type filter (not part of `produced`). */
  filtered: number;
  /** Still queued or in flight (a live run). */
  inFlight: number;
  /** produced − the outcomes at the end of a run; 0 when every event is accounted for. */
  unaccounted: number;
}

export interface RunMetricsSummary {
  eventsProcessed: number;
  eventsPerSecond: number;
  bytesProcessed: number;
  components: Record<string, ComponentRunMetrics>;
  /** The per-edge account (runs recorded before it existed have none). */
  edges?: EdgeAccount[];
}

export interface RunRecord {
  runId: string;
  pipelineName: string;
  /** The stored PipelineVersion this run executed, when the pipeline was saved. */
  pipelineVersionId: string | null;
  status: RunStatus;
  startedAt: Date;
  endedAt: Date | null;
  error: string | null;
  componentIds: string[];
  configYaml: string;
  metrics: RunMetricsSummary | null;
}

export const RUN_EVENT_TYPES = [
  "run.status",
  "component.started",
  "component.registered",
  "component.exited",
  "component.restarted",
  "component.unhealthy",
  "component.healthy",
  "component.crash_loop",
  /**
   * Attach mode: an instance the engine did not start went away (unregistered, no heartbeat, its
   * endpoint refusing connections); the engine cannot restart it and waits for it to register
   * again. `data: {reason, endpoint, restartedBy: "external"}`.
   */
  "component.gone",
  /** A registration of an instance's id was not taken (another run's, wrong proof, wrong port); `data: {endpoint, serviceId, reason}`. */
  "component.registration_refused",
  /** The instance's log file cannot be written (disk full, …); `data: {error}`. Output stays in memory and on the console. */
  "component.log_failed",
  "edge.reconnected",
  /** A data-plane stream failed (with or without events in flight); `data: {reason, inflight, attempt}`. */
  "edge.stream_failed",
  /** An instance sent a malformed or truncated frame: that link failed and the instance is restarted per its policy; `data: {reason, inflight, attempt}`. */
  "edge.protocol_error",
  /** An event too large for one data-plane message was rejected; `data: {bytes, reason}`. */
  "edge.event_rejected",
  "diagnosis.finding",
] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

export interface RunEventRecord {
  id: string;
  runId: string;
  at: Date;
  type: RunEventType;
  componentId: string | null;
  message: string;
  data: Record<string, unknown> | null;
}

export function emptyComponentRunMetrics(): ComponentRunMetrics {
  return { eventsIn: 0, eventsOut: 0, bytesIn: 0, bytesOut: 0, processingTimeMs: 0, errors: 0, restarts: 0, lost: 0, redelivered: 0, dropped: 0 };
}
