/**
 * Inputs and outputs of bottleneck diagnosis. Inputs are per-window aggregates the metrics layer
 * computes (rates, fractions, quantiles, queue samples); outputs are the `flowctl diagnose --json`
 * shape. Pure data: no IO, so fixtures are plain JSON.
 */

export type DiagnosisRole = "source" | "processor" | "sink";

/** What the pipeline file sets for a component, as far as the advice depends on it. */
export interface ComponentSettings {
  /** `batch:` as written (`flush_interval_ms` in ms); null when the file sets none. */
  batch: { size: number; flushIntervalMs: number } | null;
  /** `queue.capacity` of each input edge. */
  queueCapacity?: number;
}

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
  /** Sinks: failed writes retried in the window (`component_write_retries_total`). */
  writeRetries?: number | null;
  /** Sinks: events sent to the dead-letter file in the window (`component_dead_letter_events_total`). */
  deadLettered?: number | null;
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
  /**
   * CPU the component's own processes used, in cores (summed over replicas), from their
   * `process_cpu_seconds_total`; null when unknown (a foreign component exporting no such metric).
   */
  cpu?: number | null;
  /** Handler calls per second (events, batches or sink flushes), from the processing-time histogram's count. */
  calls?: number | null;
  /** Mean time of one handler call, in ms. */
  callMs?: number | null;
  /** Events buffered inside the component at the end of the window (received, not yet handled). */
  buffered?: number | null;
  /** What the pipeline file sets for it (absent: not known, e.g. an old stored run). */
  settings?: ComponentSettings;
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
  /** Events/s the receiving sink's event-type filter kept off the edge (offered nowhere, not lost). */
  filteredRate?: number | null;
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
  | "WRITE_RETRIES"
  | "DEAD_LETTERS"
  | "NO_METRICS"
  | "METRICS_UNAVAILABLE"
  | "GC_PRESSURE"
  | "BOTTLENECK_HOST"
  | "RATES_DIFFER"
  | "KEEPS_UP";

export interface Finding {
  severity: Severity;
  code: FindingCode;
  component?: string;
  message: string;
}

/**
 * A throughput estimate for a change the diagnosis recommends (machine-readable, for the editor's
 * what-if and for checking the estimate on the next run).
 */
export interface Estimate {
  component: string;
  setting: "replicas";
  /** The setting now, and the value the estimate is for. */
  from: number;
  value: number;
  /** Expected events/s of the component after the change (upstream limits still apply). */
  eventsPerSecond: number;
  /** Events/s one replica sustains at 100 % busy, the basis of the estimate. */
  perReplica: number;
  /** Cores the extra replicas need on top of what the component uses now. */
  extraCores: number;
  /** True when the host's idle cores, not the replica count, bound the estimate. */
  cappedByHost: boolean;
  /**
   * When capped on a host busy with other work: the rate if the new replicas win their full share
   * from it (the estimate is then the range eventsPerSecond…upTo); null otherwise.
   */
  upTo: number | null;
}

export interface Bottleneck {
  /** `host`: the machine's cores limit the pipeline, no single stage does. */
  kind: "component" | "edge" | "host";
  component: string | null;
  edge: { from: string; to: string } | null;
  /** `host` only: cores on the machine, and how many were busy (everything on it). */
  cpus?: number;
  busyCores?: number;
  reason: string;
  evidence: string[];
  recommendations: string[];
  /**
   * Estimates behind the `estimate:` recommendations (empty when none can be made). Always set by
   * `diagnose`; absent in reports stored by engines that predate it.
   */
  estimates?: Estimate[];
}

/** What limits a busy stage: its CPU, or waiting (I/O, timers, a remote call); unknown without CPU data. */
export type StageBound = "cpu" | "waiting" | "unknown";

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
  /** Cores its processes used (sum over replicas); null when unknown. */
  cpuCores: number | null;
  /** For a busy component (≥ 20 %): CPU-bound or waiting; null when it is not busy enough to tell. */
  bound: StageBound | null;
}

/** One change between a run and the run before it, and what it did. */
export interface RunChange {
  component: string;
  /** Spec key changed: `replicas`, `batch`, `queue.capacity`, `env.<NAME>`. */
  setting: string;
  from: string;
  to: string;
  /** True when the previous run's diagnosis recommended this change. */
  recommended: boolean;
  /** The previous diagnosis' estimate for the new value (events/s), when it made one. */
  estimate: number | null;
  /** The component's rate now (events/s), and before the change. */
  measured: number | null;
  before: number | null;
  /** measured ÷ estimate. */
  ratio: number | null;
  message: string;
}

/** How this run compares with the previous run of the same pipeline. */
export interface RunComparison {
  previousRunId: string;
  changes: RunChange[];
}

/** The `flowctl diagnose --json` object. */
export interface DiagnosisReport {
  pipeline: string;
  window: { from: string; to: string };
  bottleneck: Bottleneck | null;
  components: ComponentReport[];
  findings: Finding[];
  /** Present when the run follows an earlier run of the same pipeline with a stored diagnosis. */
  comparison?: RunComparison;
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
