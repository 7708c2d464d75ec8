/** The engine's public types: options of runPipeline(), the RunHandle and what it reports. */
import type { ComponentRegistry } from "../control-plane/registry";
import type { Logger } from "../core/logger";
import type { ComponentRunMetrics, EdgeAccount, RunEventType, RunStatus } from "../core/run";

export type { EdgeAccount } from "../core/run";
import type { CompiledPipeline } from "../core/spec/compile";
import type { QueuePolicy } from "../core/spec/pipeline-spec.schema";
import type { ComponentDriver } from "../drivers/driver";
import type { ConsoleSink } from "../drivers/process/log-stream";
import type { ComponentLogLine, ComponentLogsOptions, InstanceLogLine } from "./component-logs";
import type { EngineMetrics } from "../metrics/engine-metrics";
import type { Store } from "../storage/store";
import type { BackoffOptions, CrashLoopOptions } from "./restart-policy";
import type { RunState } from "./run-state";

export type { ComponentLogLine, InstanceLogLine } from "./component-logs";

export type { RunState } from "./run-state";

export type ControlPlaneMode =
  /** Start a control plane in this process (default). Port 0 = any free port. */
  | { mode: "embedded"; address?: string; port?: number; heartbeatTtlMs?: number; token?: string }
  /** Components register with a control plane that runs elsewhere (polled for registrations). */
  | { mode: "external"; endpoint: string; token?: string; tls?: ControlPlaneTlsFiles }
  /**
   * A control plane this process already runs for many runs (the console): the run neither starts
   * nor closes it, its components register in `registry` (the one that control plane serves), and
   * at the end it unregisters only its own registrations. Give that control plane
   * `runController: ownedRunController` so StopPipelineRun reaches every run.
   */
  | { mode: "shared"; endpoint: string; registry: ComponentRegistry };

/**
 * TLS towards an external control plane: PEM file paths (absolute: components get them as
 * FLOWCTL_TLS_CA_CERT / FLOWCTL_TLS_CERT / FLOWCTL_TLS_KEY and run in other directories).
 */
export interface ControlPlaneTlsFiles {
  /** CA/certificate to trust; TLS is on when this is set. */
  caCert: string;
  /** Client certificate and key for mTLS; both or neither. */
  cert?: string;
  key?: string;
  /** Name checked in the server certificate instead of the endpoint's host (FLOWCTL_TLS_SERVER_NAME). */
  serverName?: string;
}

export interface RunPipelineOptions {
  pipeline: CompiledPipeline;
  /** The YAML as written (stored with the run). */
  configYaml: string;
  /** Pipeline file; its directory is the components' working directory. */
  file?: string;
  /** Working directory when there is no file. @default process.cwd() */
  cwd?: string;
  /**
   * How component instances are started. @default the process driver (local child processes,
   * loopback ports, log files under `logDir`)
   */
  driver?: ComponentDriver;
  /**
   * Attach mode (`flowctl run --attach`): start no processes; wait for the components, started by
   * someone else with FLOWCTL_ENDPOINT / FLOWCTL_COMPONENT_ID (and FLOWCTL_TOKEN), to register with
   * the embedded control plane, then relay, observe and record the run as usual. A component that
   * goes away is reported (`component.gone`) and awaited, never restarted. Overrides `driver`.
   */
  attach?: boolean;
  /** Run records and RunEvents; without a store nothing is persisted. */
  store?: Store;
  /** The stored pipeline version this run executes (`store.pipelines.saveVersion`), kept on the run record. */
  pipelineVersionId?: string;
  controlPlane?: ControlPlaneMode;
  /** Registry of the embedded control plane. @default a new one */
  registry?: ComponentRegistry;
  /** @default <process cwd>/.flowctl/logs (next to the default database) */
  logDir?: string;
  /** @default 30_000 */
  registrationTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace, and the drain budget of a stop. @default 10_000 */
  gracePeriodMs?: number;
  /** @default 10_000 */
  heartbeatIntervalMs?: number;
  backoff?: BackoffOptions;
  crashLoop?: CrashLoopOptions;
  /** Aggregated component output; false for none. @default none */
  console?: ConsoleSink | false;
  /** Bounds of the in-memory recent output per instance (`RunHandle.logs`). @default 1000 lines, 1 MiB */
  logBuffer?: ComponentLogsOptions;
  logger?: Logger;
  /** @default createEngineMetrics() */
  metrics?: EngineMetrics;
  /** Aborting stops the run (like handle.stop()). */
  signal?: AbortSignal;
  /** Stop the run after this long. */
  runForMs?: number;
  /** Router tuning. */
  router?: { lingerMs?: number; statsIntervalMs?: number };
  /** Debug lines from the data plane ("processing took", "waiting for downstream"). */
  debug?: boolean;
}

export interface InstanceTopology {
  instanceId: string;
  pid: number | undefined;
  endpoint: string | undefined;
  metricsPort: number | undefined;
  status: string;
  restarts: number;
  wire: "event" | "batch" | undefined;
  logFile: string | undefined;
}

export interface RunTopology {
  pipeline: string;
  runId: string;
  components: {
    id: string;
    role: "source" | "processor" | "sink";
    replicas: number;
    instances: InstanceTopology[];
    /** What the pipeline file sets that the diagnosis' advice depends on (`batch`, `queue.capacity`). */
    settings?: { batch: { size: number; flushIntervalMs: number } | null; queueCapacity: number };
  }[];
  edges: { from: string; to: string; capacity: number; policy: QueuePolicy }[];
  controlPlaneEndpoint: string | undefined;
}

export interface ComponentSummary extends ComponentRunMetrics {
  id: string;
  role: "source" | "processor" | "sink";
  instances: Record<string, { eventsIn: number; eventsOut: number }>;
  /** Events waiting on this component's input edges now (0 for sources). */
  queueDepth: number;
  /** Highest depth any single input edge of this component reached during the run (≤ its capacity with `block`). */
  queuePeakDepth: number;
  /** Sinks: events not offered because their type is not in the sink's input_event_types. */
  filtered: number;
  /** Events this component produced that were too large for one data-plane message (never delivered; also in `errors`). */
  rejected: number;
  /** Data-plane streams to this component's instances that failed (each logged and recorded as a RunEvent). */
  streamErrors: number;
  /** Of those, failures caused by a malformed or truncated frame from the component (it was restarted per its policy). */
  protocolErrors: number;
}

export interface RunSummary {
  runId: string;
  pipeline: string;
  status: RunStatus;
  error: string | null;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  /**
   * How long events moved: from RUNNING until the drain ended (the whole run minus start-up and
   * shutdown); 0 when the run never reached RUNNING. Rates are over this time.
   */
  runningMs: number;
  /** Events delivered to sinks (summed over sinks: a fan-out counts each copy). */
  eventsProcessed: number;
  /** `eventsProcessed` over `runningMs`. */
  eventsPerSecond: number;
  bytesProcessed: number;
  components: ComponentSummary[];
  /** Every event each producer emitted, per edge: delivered, dropped, rejected, lost or abandoned. */
  edges: EdgeAccount[];
  logDir: string;
}

export interface EngineEvent {
  at: Date;
  type: RunEventType;
  componentId: string | null;
  message: string;
  data: Record<string, unknown> | null;
}

export interface RunHandle {
  readonly runId: string;
  readonly state: RunState;
  /** When the run left RUNNING (drain, stop or failure began); undefined while it runs. */
  readonly runningEndedAt: Date | undefined;
  topology(): RunTopology;
  readonly metrics: EngineMetrics;
  /** Live per-component counters (updated from the router every stats interval). */
  snapshot(): ComponentSummary[];
  /** The per-edge account, live (with `inFlight`) or final (then exact). */
  edgeAccounts(): EdgeAccount[];
  onEvent(listener: (e: EngineEvent) => void): () => void;
  /**
   * Recent output of one instance (`topology()` instance ids), oldest first, from a bounded
   * in-memory ring (the log file keeps everything). Throws NotFoundError for an unknown instance.
   */
  logs(instanceId: string, opts?: { tail?: number }): ComponentLogLine[];
  /** Live output lines of every instance; returns the unsubscribe function. */
  onLog(listener: (line: InstanceLogLine) => void): () => void;
  stop(reason?: string): Promise<RunSummary>;
  /** Ctrl-C twice: skip the drain and the grace period. */
  forceStop(): void;
  readonly done: Promise<RunSummary>;
}
