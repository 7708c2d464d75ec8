/**
 * The console's data contract: what the HTTP API returns and the live stream sends. Types only, so
 * client components may `import type` them without pulling server code into the browser bundle.
 */
import type { Diagnostic } from "../core/spec/diagnostics";
import type { RunStatus } from "../core/run";
import type { EditorLayout } from "../core/editor/layout-model";
import type { MeasuredComponent } from "../core/editor/what-if";
import type { DiagnosisReport } from "../diagnosis/diagnosis-types";

export type { DiagnosisReport, Diagnostic, EditorLayout, MeasuredComponent, RunStatus };

export type ComponentRole = "source" | "processor" | "sink";

/** A component of a pipeline version, as the graph shows it. */
export interface GraphNode {
  id: string;
  role: ComponentRole;
  /** Built-in type or the command's program name. */
  kind: string;
  replicas: number;
  queueCapacity: number;
  /** Environment the pipeline gives it (its `env`, and `config` as upper-case keys). */
  env: Record<string, string>;
  restartPolicy: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  capacity: number;
  policy: "block" | "drop_oldest";
}

export interface PipelineGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** A run as lists show it. */
export interface RunListItem {
  runId: string;
  pipelineName: string;
  pipelineVersionId: string | null;
  /** Version number when the run executed a saved version. */
  version: number | null;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  durationMs: number;
  eventsProcessed: number;
  eventsPerSecond: number;
  error: string | null;
  /** True when this console executes the run (it can stop it and show it live). */
  owned: boolean;
  /** The diagnosis in one phrase: the bottleneck, "keeps up", or null when not diagnosed. */
  verdict: string | null;
}

export interface PipelineVersionItem {
  id: string;
  version: number;
  message: string | null;
  createdAt: string;
  contentHash: string;
}

/** A row of the pipelines page. */
export interface PipelineListItem {
  name: string;
  description: string | null;
  latestVersion: number;
  latestVersionId: string | null;
  updatedAt: string;
  componentCount: number;
  latestRun: RunListItem | null;
  /** The owned run in progress, if any. */
  activeRunId: string | null;
  /** Events/s at the sinks of the live run over the last minute (empty when not running). */
  sparkline: number[];
  /** The latest run's verdict ("keeps up", "bottleneck: …") or null. */
  bottleneck: string | null;
  /** Events/s at the sinks of the live run now. */
  rate: number | null;
  /** Components of the live run reported HEALTHY by the control plane, of all. */
  health: { healthy: number; total: number } | null;
}

export interface PipelineDetail extends PipelineListItem {
  yaml: string;
  graph: PipelineGraph;
  versions: PipelineVersionItem[];
  runs: RunListItem[];
}

/** The editor's node positions stored with a version. */
export interface VersionLayout {
  /** null when none was saved (a version saved by the CLI, or the stored value was not a layout). */
  layout: EditorLayout | null;
  /** Why a stored layout was ignored (field paths); empty when it was fine or absent. */
  layoutProblems: string[];
}

export interface PipelineVersionDetail extends PipelineVersionItem, VersionLayout {
  pipelineName: string;
  yaml: string;
  graph: PipelineGraph | null;
}

/** `PUT /api/pipelines/{name}`: the version saved (or the newest one when the YAML is unchanged). */
export interface SavedVersionItem {
  version: PipelineVersionItem;
  created: boolean;
  /** Warnings and hints (errors refuse the save with 422). */
  diagnostics: Diagnostic[];
  layout: EditorLayout | null;
}

/** `POST /api/pipelines/{name}/redeploy`. */
export interface RedeployResult {
  runId: string;
  /** The run stopped first, or null when the pipeline was not running. */
  stoppedRunId: string | null;
}

/** `GET /api/pipelines/{name}/measurements`: what the editor's what-if starts from (the last run that measured something). */
export interface RunMeasurementsItem {
  runId: string;
  status: RunStatus;
  /** The version the run executed, when it was a saved one. */
  version: number | null;
  /** Window of the diagnosis the figures come from (ISO). */
  window: { from: string; to: string };
  /** Per component: rates, busy share and the run's replicas (the what-if's input as it is). */
  components: MeasuredComponent[];
  /** The machine the run used; cpuUsedCores when every component's CPU was measured. */
  host: { cpuCount: number; cpuUsedCores: number | null } | null;
  /** The diagnosis's bottleneck component, if any. */
  bottleneck: string | null;
}

/** One recorded lifecycle event of a run. */
export interface RunEventItem {
  at: string;
  type: string;
  componentId: string | null;
  message: string;
  data: Record<string, unknown> | null;
}

/** Per-component account of a run (live counters or the stored summary). */
export interface ComponentTotals {
  id: string;
  eventsIn: number;
  eventsOut: number;
  errors: number;
  restarts: number;
  dropped: number;
  lost: number;
}

export interface RunDetail extends RunListItem {
  configYaml: string;
  graph: PipelineGraph | null;
  /** Live state of an owned run (`starting` … `stopped`), else null. */
  state: string | null;
  /** Where the run's component logs are. */
  logDir: string | null;
  totals: ComponentTotals[];
  /** Instances of an owned run: process and registration. */
  instances: InstanceItem[];
}

export interface InstanceItem {
  instanceId: string;
  componentId: string;
  pid: number | null;
  status: string;
  restarts: number;
  endpoint: string | null;
  metricsPort: number | null;
  logFile: string | null;
}

/** One instance of a component in the live view (replicas heat map). */
export interface LiveInstanceStats {
  id: string;
  status: string;
  restarts: number;
  rate: number | null;
  busy: number | null;
}

export interface LiveComponentStats {
  id: string;
  role: ComponentRole;
  replicas: number;
  /** Aggregate process state: running, starting, restarting, failed, stopped… */
  status: string;
  /** From the control plane registry: HEALTHY, UNHEALTHY, … or UNKNOWN. */
  health: string;
  inRate: number | null;
  outRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  busy: number | null;
  idle: number | null;
  backpressured: number | null;
  restarts: number;
  eventsIn: number;
  eventsOut: number;
  errors: number;
  instances: LiveInstanceStats[];
}

export interface LiveEdgeStats {
  from: string;
  to: string;
  rate: number | null;
  depth: number | null;
  capacity: number;
  /** depth ÷ capacity, 0..1. */
  fill: number | null;
  /** Share of time the sender waited on this edge, 0..1. */
  blocked: number | null;
  /** Events dropped by a drop_oldest queue since the run started. */
  dropped: number;
}

/** One second of a run, as the live view draws it. */
export interface LiveRunStats {
  runId: string;
  /** ms since epoch. */
  at: number;
  state: string;
  components: LiveComponentStats[];
  edges: LiveEdgeStats[];
  /** Events/s arriving at the sinks (sum). */
  sinkRate: number | null;
  eventsProcessed: number;
}

/** A message of `GET /api/runs/{id}/stream` (each an SSE event of the same name). */
export type LiveMessage =
  | { type: "stats"; stats: LiveRunStats }
  | { type: "diagnosis"; report: DiagnosisReport | null }
  | { type: "event"; event: RunEventItem }
  /** Lifecycle events were dropped for a slow reader; it should refetch `/events`. */
  | { type: "gap"; skipped: number }
  | { type: "end"; status: RunStatus };

/** A line of a component's log. */
export interface LogLineItem {
  at: string;
  /** null when read back from the log file, which does not keep the streams apart. */
  stream: "stdout" | "stderr" | null;
  line: string;
}

/** A registered component as `/components` shows it. */
export interface RegisteredComponentItem {
  serviceId: string;
  componentId: string;
  name: string;
  type: string;
  status: string;
  endpoint: string;
  registeredAt: string;
  lastHeartbeat: string;
  inputEventTypes: string[];
  outputEventTypes: string[];
  metadata: Record<string, string>;
  metrics: Record<string, string>;
  /** The run it belongs to, when registered by one of this console's runs. */
  runId: string | null;
  pipelineName: string | null;
}

/** A run's state at one moment, for the time scrubber (from stored rollups). */
export interface RunMoment {
  at: number;
  stats: LiveRunStats | null;
  report: DiagnosisReport | null;
  findings: RunEventItem[];
}

/** The error body of every API error (one table maps codes to HTTP statuses). */
export interface ApiErrorBody {
  error: { code: string; message: string };
  /** Validation errors: every problem, as `flowctl validate --json` prints them. */
  diagnostics?: Diagnostic[];
}
