/**
 * Inputs and outputs of bottleneck diagnosis. Inputs are per-window aggregates the metrics layer
 * computes (rates, fractions, quantiles, queue samples); outputs are the `flowctl diagnose --json`
 * shape. Pure data: no IO, so fixtures are plain JSON.
 */

export type DiagnosisRole = "source" | "processor" | "sink";

/** One component (all its replicas) over the window. `null` = no data for that number. */
export interface ComponentWindow {
  id: string;
  role: DiagnosisRole;
  /** Running instances. @default 1 */
  replicas?: number;
  /** False when the engine reports an instance down or unhealthy at the end of the window. */
  up?: boolean | null;
  /**
   * Share of the window's scrapes of the component's `/metrics` that succeeded (0..1); null when it
   * announces no metrics endpoint. Below 0.5 the SDK numbers are too sparse to trust.
   */
  metricsAvailability?: number | null;
  /** Events/s received (sum over replicas). */
  inRate: number | null;
  /** Events/s emitted (sources, processors) or completed (sinks). */
  outRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Errors counted in the window. */
  errors: number | null;
  /**
   * Fractions of wall time (0..1, averaged over replicas) from the SDK's
   * `component_{busy,idle,backpressured}_seconds_total`; null for foreign components.
   */
  busy: number | null;
  idle: number | null;
  backpressured: number | null;
  /**
   * Fraction of wall time (0..1, averaged over replicas) in garbage-collection pauses, from the
   * runtime's own metrics (Node `nodejs_gc_duration_seconds`, Go `go_gc_duration_seconds`); null
   * when the component exports neither.
   */
  gc?: number | null;
}

/** One edge's router metrics over the window. */
export interface EdgeWindow {
  from: string;
  to: string;
  /** Events/s delivered across the edge. */
  rate: number | null;
  /** Fraction of time the sender waited on this edge's full queue (rate of blocked seconds). */
  blocked: number | null;
  /** Queue depth at the end of the window. */
  queueDepth: number | null;
  queueCapacity: number | null;
  /** Mean depth ÷ capacity over the window. */
  avgFill: number | null;
  /** Events dropped by a drop_oldest queue in the window. */
  dropped: number | null;
  /** Depth samples `[ms, depth]` across the window, for the growth trend. */
  depthSamples?: Array<[number, number]>;
}

/** The machine the pipeline runs on, over the window. */
export interface HostWindow {
  /** Cores available to the pipeline's processes. */
  cpuCount: number;
  /** CPU used by the engine and every component process, in cores (null = not measured). */
  cpuUsedCores: number | null;
  /** CPU the whole host is busy with (the pipeline and everything else), in cores, when measured. */
  hostBusyCores?: number | null;
}

export interface MetricWindow {
  pipeline: string;
  /** Window bounds, ms since epoch. */
  from: number;
  to: number;
  components: ComponentWindow[];
  edges: EdgeWindow[];
  /** When known, recommendations take the host's free cores into account. */
  host?: HostWindow;
}

export type Severity = "critical" | "warning" | "info";

export type FindingCode =
  | "BOTTLENECK_COMPONENT"
  | "BOTTLENECK_EDGE"
  | "BACKPRESSURED"
  | "QUEUE_FULL"
  | "QUEUE_FILLING"
  | "ERRORS"
  | "COMPONENT_DOWN"
  | "EVENTS_DROPPED"
  | "NO_METRICS"
  | "METRICS_UNAVAILABLE"
  | "GC_PRESSURE"
  | "KEEPS_UP";

export interface Finding {
  severity: Severity;
  code: FindingCode;
  component?: string;
  message: string;
}

export interface Bottleneck {
  kind: "component" | "edge";
  component: string | null;
  edge: { from: string; to: string } | null;
  reason: string;
  evidence: string[];
  recommendations: string[];
}

/** One row of the per-component table. */
export interface ComponentReport {
  id: string;
  role: DiagnosisRole;
  inRate: number | null;
  outRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  busy: number | null;
  backpressured: number | null;
  /** Depth / capacity of the component's input queue(s), summed over its input edges. */
  queueDepth: number | null;
  queueCapacity: number | null;
  errors: number | null;
}

/** The `flowctl diagnose --json` object. */
export interface DiagnosisReport {
  pipeline: string;
  window: { from: string; to: string };
  bottleneck: Bottleneck | null;
  components: ComponentReport[];
  findings: Finding[];
}

/** Thresholds of the walk; defaults follow Oceanus (50 %) and Flink's busy/back-pressured colours. */
export interface DiagnosisOptions {
  /** A component is back-pressured above this fraction. @default 0.5 */
  backpressureThreshold?: number;
  /** A component is saturated (a candidate root cause) above this busy fraction. @default 0.5 */
  busyThreshold?: number;
  /** A receiver below this busy fraction counts as idle (edge bottleneck). @default 0.3 */
  idleThreshold?: number;
  /** Mean queue fill that counts as full. @default 0.8 */
  fullQueueFill?: number;
  /** Minimum R² of the linear depth fit before predicting time-to-full. @default 0.8 */
  minFitR2?: number;
  /** A component spending more than this fraction of its time in GC pauses is flagged. @default 0.1 */
  gcThreshold?: number;
}
