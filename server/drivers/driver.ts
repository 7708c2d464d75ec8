/**
 * How component instances are started: the supervisor decides *when* (start, restart after
 * backoff, stop with a grace period) and judges registrations; a driver decides *how* and *where*.
 * The process driver (`process/`) spawns local child processes. The interface also fits a driver
 * that starts pods (the handle's exit is the pod's termination, terminate/kill delete it with or
 * without grace) and an "attach" driver that starts nothing and waits for externally started
 * components to register (its handles only end when the run stops them).
 */
import type { RegisteredComponent } from "../core/registry";
import type { CompiledComponent } from "../core/spec/compile";

/** How an instance ended. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Set when the instance could not be started at all (ENOENT, EACCES, image pull, …). */
  error?: string;
}

/** Ports an instance listens on (gRPC data plane, health HTTP, Prometheus /metrics). */
export interface InstancePorts {
  port: number;
  healthPort: number;
  metricsPort: number;
}

/** What the supervisor asks a driver to start. */
export interface InstanceSpec {
  runId: string;
  instanceId: string;
  component: CompiledComponent;
  /** Replica index (0 for a single instance). */
  index: number;
  /** 1 for the first start, then +1 per restart. */
  attempt: number;
  /** The component's env plus the engine's contract (FLOWCTL_*, ports, HOST, …). */
  env: Record<string, string>;
  /**
   * Variables the engine owns: an inherited value of one of these (a process driver passes its own
   * environment down) is removed unless `env` sets it.
   */
  ownedEnv: readonly string[];
  /** Working directory (the pipeline file's directory). */
  cwd: string;
}

/** Where an instance's output goes, line by line. */
export interface InstanceOutput {
  line(line: string, stream: "stdout" | "stderr"): void;
  /** The instance's log file cannot be written (reported once); output still reaches `line`. */
  logFailed(err: Error): void;
}

/** A started instance. */
export interface InstanceHandle {
  /** Process id, when the instance is a local process. */
  readonly pid: number | undefined;
  /** Where its output is kept, when the driver keeps a file. */
  readonly logFile: string | undefined;
  readonly startedAt: Date;
  /** Resolves once, when the instance ended and its output was flushed. Never rejects. */
  readonly exited: Promise<ExitInfo>;
  readonly alive: boolean;
  /** Asks the instance to stop (SIGTERM; it drains and exits). No-op once ended. */
  terminate(): void;
  /** Ends the instance now (SIGKILL). No-op once ended. */
  kill(): void;
  /** Its last output lines (start errors quote them). */
  lastLines(): string[];
  /**
   * The supervisor took this registration for the instance. A driver that starts nothing (attach)
   * watches it to learn when the instance is gone; process drivers know from the exit.
   */
  attached?(registration: RegisteredComponent): void;
  /** A data-plane stream to the instance failed: a driver that cannot see the process checks it is still there. */
  suspect?(): void;
}

/** A way of running component instances. */
export interface ComponentDriver {
  readonly kind: string;
  /**
   * True when instances are started by someone else (attach): an exit means the instance went
   * away; the supervisor reports it and waits for it to register again instead of restarting it,
   * and no per-spawn secret exists (the run's token authenticates the data plane).
   */
  readonly attached?: boolean;
  /**
   * The address instances bind their ports to unless their env says otherwise (HOST). A local
   * driver answers loopback; container drivers the pod/container network.
   */
  readonly bindHost: string;
  /** Ports for `count` instances, distinct from each other. */
  allocatePorts(count: number): Promise<InstancePorts[]>;
  /**
   * Starts one instance. A start that fails at run time (missing binary, …) is reported through
   * `exited`; a component this driver cannot run at all (no command, no image) throws FlowError.
   */
  start(spec: InstanceSpec, output: InstanceOutput): InstanceHandle;
  /** Ends what a run whose engine died left behind; returns what it ended (e.g. pids). */
  reap(runId: string): number[];
}
