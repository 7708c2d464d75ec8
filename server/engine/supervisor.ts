/**
 * The supervisor: starts every component instance through the process driver, waits for its
 * registration, restarts it per `restart_policy` with capped backoff, detects crash loops, and
 * stops everything (SIGTERM to each process group, grace period, then SIGKILL). It reports what
 * happens through {@link SupervisorEvents}; the engine turns those into RunEvents, router updates
 * and run status changes.
 */
import { ControlPlaneTlsError, type RegistrationPort } from "./external-registry";
import type { ControlPlaneTlsFiles } from "./run-types";
import { FlowError, OperationalError } from "../core/errors";
import { endpointPort, normalizeEndpoint, type ComponentInfo, type RegisteredComponent } from "../core/registry";
import type { RunEventType } from "../core/run";
import type { CompiledComponent, CompiledPipeline } from "../core/spec/compile";
import { freePorts } from "../drivers/process/free-port";
import { errorLine } from "../drivers/process/error-line";
import type { ConsoleSink } from "../drivers/process/log-stream";
import { recordProcess } from "../drivers/process/orphan-reaper";
import { builtinArgv, spawnInstance, type ExitInfo, type ProcessHandle } from "../drivers/process/process-driver";
import { INSTANCE_SECRET_ENV, newInstanceSecret } from "../wire/instance-proof";
import { BATCH_WIRE_METADATA_KEY, BATCH_WIRE_V1, METRICS_PORT_METADATA_KEY } from "../wire/protos";
import { judgeRegistration, proofHolds } from "./registration-check";
import { assertInstanceTransition, isInstanceTerminal, type InstanceState } from "./instance-state";
import { backoffDelay, CrashLoopDetector, isFailureExit, shouldRestart, type BackoffOptions, type CrashLoopOptions } from "./restart-policy";
import type { Wire } from "./router/protocol";

/** A stable run of this long resets the backoff. */
const STABLE_RUN_MS = 30_000;

export interface SupervisedInstance {
  instanceId: string;
  component: CompiledComponent;
  index: number;
  state: InstanceState;
  handle: ProcessHandle | undefined;
  endpoint: string | undefined;
  wire: Wire | undefined;
  /** input_event_types the instance registered with. */
  inputEventTypes: string[];
  ports: { port: number; healthPort: number; metricsPort: number } | undefined;
  restarts: number;
  attempt: number;
  consecutiveFailures: number;
  runningSince: number | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  crashLoop: CrashLoopDetector;
  logFile: string | undefined;
  lastExit: ExitInfo | undefined;
  /** Secret of the current spawn (FLOWCTL_INSTANCE_SECRET); its registration must prove it. */
  secret: string | undefined;
  /** The registration the supervisor took for the current process (unregistered at the end). */
  registration: RegisteredComponent | undefined;
}

export interface SupervisorEvents {
  record(type: RunEventType, componentId: string, message: string, data?: Record<string, unknown>): void;
  instanceUp(inst: SupervisedInstance): void;
  instanceDown(inst: SupervisedInstance, permanent: boolean): void;
  restarted(inst: SupervisedInstance): void;
  /** The run cannot continue (crash loop, a failure that is not restarted). */
  fatal(reason: string): void;
  /** A non-source instance exited cleanly and will not be restarted. */
  exitedClean(inst: SupervisedInstance): void;
}

export interface SupervisorOptions {
  runId: string;
  pipeline: CompiledPipeline;
  cwd: string;
  logDir: string;
  controlPlaneEndpoint: string;
  /** TLS towards the control plane, passed to every component as FLOWCTL_TLS_* (absolute paths). */
  controlPlaneTls?: ControlPlaneTlsFiles;
  registry: RegistrationPort;
  registrationTimeoutMs: number;
  heartbeatIntervalMs: number;
  backoff: BackoffOptions;
  crashLoop: CrashLoopOptions;
  /** Every line an instance prints (console, in-memory ring). */
  onLine?: ConsoleSink;
  events: SupervisorEvents;
}

export class Supervisor {
  readonly instances: SupervisedInstance[] = [];
  private stopping = false;
  private startupDone = false;
  /** Registrations already reported as refused (serviceId@registeredAt). */
  private readonly refused = new Set<string>();

  constructor(private readonly opts: SupervisorOptions) {
    for (const component of opts.pipeline.components) {
      for (let i = 0; i < component.replicas; i++) {
        this.instances.push({
          instanceId: component.replicas > 1 ? `${component.id}-${i}` : component.id,
          component,
          index: i,
          state: "starting",
          handle: undefined,
          endpoint: undefined,
          wire: undefined,
          inputEventTypes: [],
          ports: undefined,
          restarts: 0,
          attempt: 0,
          consecutiveFailures: 0,
          runningSince: undefined,
          restartTimer: undefined,
          crashLoop: new CrashLoopDetector(opts.crashLoop),
          logFile: undefined,
          lastExit: undefined,
          secret: undefined,
          registration: undefined,
        });
      }
    }
  }

  /** Starts every instance and resolves when all registered; rejects with the first failure. */
  async startAll(signal: AbortSignal): Promise<void> {
    const ports = await freePorts(this.instances.length * 3);
    this.instances.forEach((inst, i) => {
      inst.ports = { port: ports[i * 3]!, healthPort: ports[i * 3 + 1]!, metricsPort: ports[i * 3 + 2]! };
    });
    // The first failure fails the start at once; the engine's stop then ends the other instances.
    await Promise.all(this.instances.map((inst) => this.startInstance(inst, signal, true)));
    this.startupDone = true;
  }

  private transition(inst: SupervisedInstance, to: InstanceState): void {
    assertInstanceTransition(inst.state, to);
    inst.state = to;
  }

  private buildEnv(inst: SupervisedInstance): Record<string, string> {
    const c = inst.component;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, c.env);
    const p = inst.ports!;
    env.PORT = c.env.PORT ?? String(p.port);
    env.HEALTH_PORT = c.env.HEALTH_PORT ?? String(c.healthPort ?? p.healthPort);
    env.METRICS_PORT = c.env.METRICS_PORT ?? String(p.metricsPort);
    env.ENABLE_METRICS = c.env.ENABLE_METRICS ?? "true";
    env.MAX_QUEUE_SIZE = c.env.MAX_QUEUE_SIZE ?? String(c.queue.capacity);
    if (c.batch) {
      env.BATCH_SIZE = c.env.BATCH_SIZE ?? String(c.batch.size);
      env.BATCH_FLUSH_INTERVAL_MS = c.env.BATCH_FLUSH_INTERVAL_MS ?? String(c.batch.flushIntervalMs);
    }
    if (c.replicas > 1) {
      env.PARTITION_ID = String(inst.index);
      env.PARTITION_COUNT = String(c.replicas);
    }
    // The control-plane contract is forced: a component's env cannot point it elsewhere.
    env.ENABLE_FLOWCTL = "true";
    env.FLOWCTL_ENDPOINT = this.opts.controlPlaneEndpoint;
    env.FLOWCTL_COMPONENT_ID = inst.instanceId;
    env.FLOWCTL_SERVICE_ID = inst.instanceId;
    env.FLOWCTL_HEARTBEAT_INTERVAL = `${Math.max(1, Math.round(this.opts.heartbeatIntervalMs / 1000))}s`;
    env.FLOWCTL_HEARTBEAT_INTERVAL_MS = String(this.opts.heartbeatIntervalMs);
    env.FLOWCTL_RUN_ID = this.opts.runId;
    env.FLOWCTL_ATTEMPT = String(inst.attempt);
    // Per spawn: a registration must prove it comes from this very process (registration-check.ts).
    env[INSTANCE_SECRET_ENV] = inst.secret!;
    // Forced too: TLS settings inherited from the engine's shell or set in YAML must not make a
    // component dial a plaintext control plane with TLS (or the reverse).
    const tls = this.opts.controlPlaneTls;
    for (const k of ["FLOWCTL_TLS_CA_CERT", "FLOWCTL_TLS_CERT", "FLOWCTL_TLS_KEY", "FLOWCTL_TLS_SERVER_NAME"]) delete env[k];
    if (tls) {
      env.FLOWCTL_TLS_CA_CERT = tls.caCert;
      if (tls.cert !== undefined && tls.key !== undefined) Object.assign(env, { FLOWCTL_TLS_CERT: tls.cert, FLOWCTL_TLS_KEY: tls.key });
      if (tls.serverName) env.FLOWCTL_TLS_SERVER_NAME = tls.serverName;
    }
    return env;
  }

  private argv(c: CompiledComponent): string[] {
    if (c.command && c.command.length > 0) return [...c.command, ...c.args];
    if (c.builtin) return [...builtinArgv(c.builtin), ...c.args];
    throw new FlowError("FAILED_PRECONDITION", `component ${c.id}: the process driver needs \`command\` or a built-in \`type\` (image-only components need the container driver)`);
  }

  private async startInstance(inst: SupervisedInstance, signal: AbortSignal, startup: boolean): Promise<void> {
    if (this.stopping) return;
    if (inst.state !== "starting") this.transition(inst, "starting");
    inst.attempt++;
    inst.secret = newInstanceSecret();
    inst.registration = undefined;
    const handle = spawnInstance({
      instanceId: inst.instanceId,
      argv: this.argv(inst.component),
      cwd: this.opts.cwd,
      env: this.buildEnv(inst),
      logDir: this.opts.logDir,
      runId: this.opts.runId,
      onLine: (line, stream) => this.opts.onLine?.(inst.instanceId, line, stream),
      onLogError: (err) =>
        this.opts.events.record("component.log_failed", inst.instanceId, `log file of ${inst.instanceId} cannot be written (${err.message}); its output is kept in memory only`, {
          error: err.message,
        }),
    });
    inst.handle = handle;
    // Recorded before anything else can fail, so a later engine can reap it if this one dies.
    if (handle.pid !== undefined) recordProcess(this.opts.logDir, this.opts.runId, { instanceId: inst.instanceId, pid: handle.pid, startedAt: handle.startedAt.toISOString() });
    inst.logFile = handle.logFile;
    inst.endpoint = undefined;
    this.transition(inst, "registering");
    this.opts.events.record("component.started", inst.instanceId, `${inst.instanceId} started (pid ${handle.pid ?? "?"}, attempt ${inst.attempt})`, {
      pid: handle.pid ?? null,
      attempt: inst.attempt,
      logFile: handle.logFile,
    });
    const exitAbort = new AbortController();
    const onAbort = () => exitAbort.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    let exitedBeforeRegistration: ExitInfo | undefined;
    void handle.exited.then((exit) => {
      exitedBeforeRegistration = exit;
      exitAbort.abort(new Error("exited"));
      this.onExit(inst, handle, exit, signal);
    });
    try {
      const reg = await this.opts.registry.waitForRegistration(inst.instanceId, {
        since: new Date(handle.startedAt.getTime() - 1),
        timeoutMs: this.opts.registrationTimeoutMs,
        signal: exitAbort.signal,
        accept: (c) => this.accepts(inst, c),
      });
      if (inst.handle !== handle || inst.state !== "registering") return;
      inst.registration = reg;
      this.transition(inst, "running");
      inst.runningSince = Date.now();
      inst.endpoint = normalizeEndpoint(reg.info.endpoint || `:${inst.ports!.port}`);
      inst.wire = reg.info.metadata[BATCH_WIRE_METADATA_KEY] === BATCH_WIRE_V1 ? "batch" : "event";
      inst.inputEventTypes = reg.info.inputEventTypes ?? [];
      const announced = Number(reg.info.metadata[METRICS_PORT_METADATA_KEY]);
      if (Number.isInteger(announced) && announced > 0) inst.ports!.metricsPort = announced;
      this.opts.events.record("component.registered", inst.instanceId, `${inst.instanceId} registered at ${inst.endpoint} (${inst.wire} wire)`, {
        endpoint: inst.endpoint,
        wire: inst.wire,
      });
      this.opts.events.instanceUp(inst);
    } catch (err) {
      if (this.stopping || signal.aborted) return;
      const exit = exitedBeforeRegistration;
      if (exit) {
        if (startup) throw this.startError(inst, handle, `exited before registering (${describeExit(exit)})`);
        return; // onExit decides about the restart.
      }
      // Registration timed out: the process is useless; kill it, onExit restarts or fails.
      handle.signal("SIGKILL");
      // A control plane the engine cannot reach over TLS fails the start at once, not at the timeout.
      if (startup) throw this.startError(inst, handle, err instanceof ControlPlaneTlsError ? `cannot be tracked: ${err.message}` : `did not register within ${this.opts.registrationTimeoutMs} ms (${(err as Error).message})`);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Assigned PORT of an instance (YAML's, else the free port picked for it). */
  private assignedPort(inst: SupervisedInstance): number | undefined {
    const fromYaml = inst.component.env.PORT;
    return fromYaml !== undefined ? endpointPort(fromYaml) : inst.ports?.port;
  }

  /** Whether `c` is the registration of the instance's current process; refusals are recorded once. */
  private accepts(inst: SupervisedInstance, c: RegisteredComponent): boolean {
    const verdict = judgeRegistration(c, {
      runId: this.opts.runId,
      instanceId: inst.instanceId,
      secret: inst.secret,
      assignedPort: this.assignedPort(inst),
      requireProof: inst.component.builtin !== undefined && !inst.component.command?.length,
    });
    if (verdict.accepted) return true;
    const key = `${c.serviceId}@${c.registeredAt.getTime()}`;
    if (!this.refused.has(key)) {
      this.refused.add(key);
      this.opts.events.record("component.registration_refused", inst.instanceId, `a registration of ${inst.instanceId} at ${c.info.endpoint || "(no endpoint)"} was not taken: ${verdict.reason}`, {
        endpoint: c.info.endpoint,
        serviceId: c.serviceId,
        reason: verdict.reason,
      });
    }
    return false;
  }

  /**
   * The control plane's guard for registrations claiming this run (installed with
   * `ComponentRegistry.guardRun` when the registry is in this process): a refusal reason or undefined.
   */
  guardRegistration(info: ComponentInfo): string | undefined {
    const inst = this.instances.find((i) => i.instanceId === info.id);
    if (!inst) return `${JSON.stringify(info.id)} is not an instance of this run`;
    if (!proofHolds(info, { runId: this.opts.runId, secret: inst.secret })) return "wrong or missing instance proof (FLOWCTL_INSTANCE_SECRET of the process the engine started)";
    return undefined;
  }

  /** True when `serviceId` is the key of a registration this run took. */
  owns(serviceId: string): boolean {
    return this.instances.some((i) => i.registration?.serviceId === serviceId);
  }

  /** One line: what happened, the line of its output that says why (not the stack), the log file. */
  private startError(inst: SupervisedInstance, handle: ProcessHandle, what: string): FlowError {
    const why = errorLine(handle.lastLines());
    return new OperationalError(`component ${inst.instanceId} ${what}${why ? ` — ${why}` : " (no output)"}; log file: ${handle.logFile}`, {
      retryable: false,
      code: "FAILED_PRECONDITION",
    });
  }

  private onExit(inst: SupervisedInstance, handle: ProcessHandle, exit: ExitInfo, signal: AbortSignal): void {
    if (inst.handle !== handle) return;
    inst.lastExit = exit;
    const wasRunning = inst.state === "running";
    this.opts.events.record("component.exited", inst.instanceId, `${inst.instanceId} exited (${describeExit(exit)})`, {
      code: exit.code,
      signal: exit.signal,
      error: exit.error ?? null,
      // Asked to stop (the run is ending): an exit then is expected, not a failure to look at.
      expected: this.stopping,
    });
    if (this.stopping) {
      if (!isInstanceTerminal(inst.state) || inst.state === "exited") this.transition(inst, "stopped");
      this.opts.events.instanceDown(inst, true);
      return;
    }
    if (!this.startupDone && !wasRunning) {
      // startInstance reports this start failure; the run fails before it begins.
      this.transition(inst, "failed");
      return;
    }
    if (inst.runningSince !== undefined && Date.now() - inst.runningSince > STABLE_RUN_MS) inst.consecutiveFailures = 0;
    const policy = inst.component.restartPolicy;
    if (shouldRestart(policy, exit, false)) {
      this.opts.events.instanceDown(inst, false);
      if (inst.crashLoop.record(Date.now())) {
        this.transition(inst, "failed");
        const reason = `component ${inst.instanceId} is crash-looping (${inst.crashLoop.describe()}); last exit: ${describeExit(exit)}; log file: ${inst.logFile}`;
        this.opts.events.record("component.crash_loop", inst.instanceId, reason, { restarts: inst.restarts });
        this.opts.events.fatal(reason);
        return;
      }
      this.transition(inst, "restarting");
      const delay = backoffDelay(inst.consecutiveFailures++, this.opts.backoff);
      inst.restartTimer = setTimeout(() => {
        inst.restartTimer = undefined;
        if (this.stopping) return;
        inst.restarts++;
        this.opts.events.restarted(inst);
        this.opts.events.record("component.restarted", inst.instanceId, `${inst.instanceId} restarting after ${delay} ms (restart ${inst.restarts}, policy ${policy})`, {
          restarts: inst.restarts,
          delayMs: delay,
        });
        this.startInstance(inst, signal, false).catch((err) => this.opts.events.fatal(`restart of ${inst.instanceId} failed: ${(err as Error).message}`));
      }, delay);
      return;
    }
    this.opts.events.instanceDown(inst, true);
    if (isFailureExit(exit)) {
      this.transition(inst, "failed");
      this.opts.events.fatal(`component ${inst.instanceId} exited (${describeExit(exit)}) and restart_policy is ${policy}; log file: ${inst.logFile}`);
      return;
    }
    this.transition(inst, "exited");
    this.opts.events.exitedClean(inst);
  }

  /**
   * Stops every instance: SIGTERM to each process group, up to `graceMs` for them to drain and
   * exit, then SIGKILL. Pending restarts are cancelled. Resolves when every process is gone.
   */
  async stop(graceMs: number, force: AbortSignal | undefined): Promise<void> {
    this.stopping = true;
    for (const inst of this.instances) {
      clearTimeout(inst.restartTimer);
      inst.restartTimer = undefined;
      if (inst.state === "restarting" || inst.state === "exited" || (inst.state === "starting" && !inst.handle?.alive)) this.transition(inst, "stopped");
    }
    const alive = this.instances.filter((i) => i.handle?.alive);
    for (const inst of alive) inst.handle!.signal("SIGTERM");
    const allExited = Promise.all(alive.map((i) => i.handle!.exited));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      force?.addEventListener("abort", () => resolve(), { once: true });
    });
    await Promise.race([allExited, graceOver]);
    clearTimeout(timer);
    for (const inst of alive) if (inst.handle!.alive) inst.handle!.signal("SIGKILL");
    await allExited;
    for (const inst of this.instances) if (!isInstanceTerminal(inst.state)) this.transition(inst, "stopped");
  }

  /**
   * Removes the registrations this run took that are still there (the run is over); another
   * run's registration of the same id is left alone.
   */
  async unregisterAll(): Promise<void> {
    const pending: unknown[] = [];
    for (const inst of this.instances) {
      if (inst.registration) pending.push(Promise.resolve().then(() => this.opts.registry.unregisterOwn(inst.registration!)));
    }
    const results = await Promise.allSettled(pending);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason), failed.map((f) => String(f.reason)).join("; "));
  }
}

export function describeExit(exit: ExitInfo): string {
  if (exit.error) return `failed to start: ${exit.error}`;
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exit code ${exit.code}`;
}
