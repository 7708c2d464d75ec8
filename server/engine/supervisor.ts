/**
 * The supervisor: starts every component instance through a {@link ComponentDriver}, waits for
 * its registration (taking only its own process's: registration-check.ts), restarts it per
 * `restart_policy` with growing backoff, detects crash loops, and stops everything (terminate,
 * grace period, kill). It reports what happens through {@link SupervisorEvents}; the engine turns
 * those into RunEvents, router updates and run status changes. The env contract is
 * instance-env.ts; how a start happens is the driver's.
 */
import { defaultMaxListeners, setMaxListeners } from "node:events";
import { FlowError, OperationalError, toFlowError } from "../core/errors";
import { endpointPort, normalizeEndpoint, type ComponentInfo, type RegisteredComponent } from "../core/registry";
import type { RunEventType } from "../core/run";
import type { CompiledComponent, CompiledPipeline } from "../core/spec/compile";
import type { ComponentDriver, ExitInfo, InstanceHandle, InstancePorts } from "../drivers/driver";
import { errorLine } from "../drivers/process/error-line";
import type { ConsoleSink } from "../drivers/process/log-stream";
import { newInstanceSecret } from "../wire/instance-proof";
import { BATCH_WIRE_METADATA_KEY, BATCH_WIRE_V1, METRICS_PORT_METADATA_KEY } from "../wire/protos";
import { ControlPlaneTlsError, type RegistrationPort } from "./external-registry";
import { buildInstanceEnv, ENGINE_OWNED_ENV, type RunEnvOptions } from "./instance-env";
import { assertInstanceTransition, isInstanceTerminal, type InstanceState } from "./instance-state";
import { judgeAttachedRegistration, judgeRegistration, proofHolds } from "./registration-check";
import { CrashLoopDetector, isFailureExit, RestartBackoff, shouldRestart, type BackoffOptions, type CrashLoopOptions } from "./restart-policy";
import type { Wire } from "./router/protocol";

export interface SupervisedInstance {
  instanceId: string;
  component: CompiledComponent;
  index: number;
  state: InstanceState;
  handle: InstanceHandle | undefined;
  endpoint: string | undefined;
  wire: Wire | undefined;
  /** input_event_types the instance registered with. */
  inputEventTypes: string[];
  ports: InstancePorts | undefined;
  restarts: number;
  attempt: number;
  backoff: RestartBackoff;
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
  /** The run cannot continue (crash loop, a failure that is not restarted, an internal error). */
  fatal(reason: string): void;
  /** A non-source instance exited cleanly and will not be restarted. */
  exitedClean(inst: SupervisedInstance): void;
}

export interface SupervisorOptions {
  pipeline: CompiledPipeline;
  cwd: string;
  driver: ComponentDriver;
  /** Run-wide env contract (run id, control plane, TLS); the bind host comes from the driver. */
  env: Omit<RunEnvOptions, "bindHost">;
  registry: RegistrationPort;
  registrationTimeoutMs: number;
  backoff: BackoffOptions;
  crashLoop: CrashLoopOptions;
  /** Every line an instance prints (console, in-memory ring). */
  onLine?: ConsoleSink;
  /** Attach mode: the run has a token (FLOWCTL_TOKEN), so off-loopback registrations may be taken. */
  tokenSet?: boolean;
  events: SupervisorEvents;
}

export class Supervisor {
  readonly instances: SupervisedInstance[] = [];
  private stopping = false;
  private startupDone = false;
  /** Registrations already reported as refused (serviceId@registeredAt). */
  private readonly refused = new Set<string>();
  /** The run's lifetime (startAll's signal): restarts wait for registration under it too. */
  private lifetime: AbortSignal = new AbortController().signal;

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
          backoff: new RestartBackoff(opts.backoff),
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

  private get runId(): string {
    return this.opts.env.runId;
  }

  /** Instances are started by someone else (attach driver). */
  private get attached(): boolean {
    return this.opts.driver.attached === true;
  }

  /** Starts every instance and resolves when all registered; rejects with the first failure. */
  async startAll(signal: AbortSignal): Promise<void> {
    this.lifetime = signal;
    // Every instance waits for its registration under this signal, one listener each (removed once
    // it registered or exited; a restart adds its own): past 10 that is the pipeline's size, not
    // the leak Node warns about.
    setMaxListeners(Math.max(defaultMaxListeners, 2 * this.instances.length + 10), signal);
    const ports = await this.opts.driver.allocatePorts(this.instances.length);
    this.instances.forEach((inst, i) => (inst.ports = ports[i]));
    // The first failure fails the start at once; the engine's stop then ends the other instances.
    await Promise.all(this.instances.map((inst) => this.startInstance(inst, signal, true)));
    this.startupDone = true;
  }

  private transition(inst: SupervisedInstance, to: InstanceState): void {
    assertInstanceTransition(inst.state, to);
    inst.state = to;
  }

  private spawn(inst: SupervisedInstance): InstanceHandle {
    inst.attempt++;
    // Attach mode spawns nothing: there is no process to hand a secret to.
    inst.secret = this.attached ? undefined : newInstanceSecret();
    inst.registration = undefined;
    const env = buildInstanceEnv(
      inst.component,
      { instanceId: inst.instanceId, index: inst.index, attempt: inst.attempt, ports: inst.ports!, secret: inst.secret ?? "" },
      { ...this.opts.env, bindHost: this.opts.driver.bindHost },
    );
    return this.opts.driver.start(
      { runId: this.runId, instanceId: inst.instanceId, component: inst.component, index: inst.index, attempt: inst.attempt, env, ownedEnv: ENGINE_OWNED_ENV, cwd: this.opts.cwd },
      {
        line: (line, stream) => this.opts.onLine?.(inst.instanceId, line, stream),
        logFailed: (err) =>
          this.opts.events.record("component.log_failed", inst.instanceId, `log file of ${inst.instanceId} cannot be written (${err.message}); its output is kept in memory only`, {
            error: err.message,
          }),
      },
    );
  }

  private async startInstance(inst: SupervisedInstance, signal: AbortSignal, startup: boolean): Promise<void> {
    if (this.stopping) return;
    if (inst.state !== "starting") this.transition(inst, "starting");
    const handle = this.spawn(inst);
    inst.handle = handle;
    inst.logFile = handle.logFile;
    inst.endpoint = undefined;
    this.transition(inst, "registering");
    if (!this.attached) {
      this.opts.events.record("component.started", inst.instanceId, `${inst.instanceId} started (pid ${handle.pid ?? "?"}, attempt ${inst.attempt})`, {
        pid: handle.pid ?? null,
        attempt: inst.attempt,
        logFile: handle.logFile ?? null,
      });
    }
    const exitAbort = new AbortController();
    const onAbort = () => exitAbort.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    let exitedBeforeRegistration: ExitInfo | undefined;
    handle.exited
      .then((exit) => {
        exitedBeforeRegistration = exit;
        exitAbort.abort(new Error("exited"));
        this.onExit(inst, handle, exit);
      })
      // A bug in the exit handling must end the run cleanly, not the engine.
      .catch((err: unknown) => this.opts.events.fatal(`internal error handling the exit of ${inst.instanceId}: ${toFlowError(err).message}`));
    try {
      const reg = await this.opts.registry.waitForRegistration(inst.instanceId, {
        since: new Date(handle.startedAt.getTime() - 1),
        // An attached instance that went away is waited for as long as the run lasts.
        timeoutMs: this.attached && !startup ? MAX_TIMER_MS : this.opts.registrationTimeoutMs,
        signal: exitAbort.signal,
        accept: (c) => this.accepts(inst, c),
      });
      if (inst.handle !== handle || inst.state !== "registering") return;
      this.registered(inst, reg);
    } catch (err) {
      if (this.stopping || signal.aborted) return;
      const exit = exitedBeforeRegistration;
      if (exit) {
        if (startup) throw this.startError(inst, handle, `exited before registering (${describeExit(exit)})`);
        return; // onExit decides about the restart.
      }
      // Registration timed out: the instance is useless; kill it, onExit restarts or fails.
      handle.kill();
      // A control plane the engine cannot reach over TLS fails the start at once, not at the timeout.
      if (startup) {
        if (err instanceof ControlPlaneTlsError) throw this.startError(inst, handle, `cannot be tracked: ${err.message}`);
        if (this.attached) throw this.attachTimeout(inst);
        // The others started at the same time: name every one still missing, not only the first.
        const missing = this.instances.filter((i) => i !== inst && i.state === "registering");
        const also = missing.map((i) => `\n  also not registered yet: ${i.instanceId} (log file: ${i.logFile ?? "(none)"})`).join("");
        throw this.startError(inst, handle, `did not register within ${this.opts.registrationTimeoutMs} ms (${(err as Error).message})`, also);
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  private registered(inst: SupervisedInstance, reg: RegisteredComponent): void {
    inst.registration = reg;
    inst.handle?.attached?.(reg);
    this.transition(inst, "running");
    inst.backoff.running(Date.now());
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
  }

  /** Whether `c` is the registration of the instance's current process; refusals are recorded once. */
  private accepts(inst: SupervisedInstance, c: RegisteredComponent): boolean {
    const fromYaml = inst.component.env.PORT;
    const verdict = this.attached
      ? judgeAttachedRegistration(c, { runId: this.runId, tokenSet: this.opts.tokenSet === true })
      : judgeRegistration(c, {
          runId: this.runId,
          instanceId: inst.instanceId,
          secret: inst.secret,
          assignedPort: fromYaml !== undefined ? endpointPort(fromYaml) : inst.ports?.port,
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
    // Attach mode has no spawn secrets: the control plane's token is what authenticates.
    if (this.attached) return undefined;
    if (!proofHolds(info, { runId: this.runId, secret: inst.secret })) return "wrong or missing instance proof (FLOWCTL_INSTANCE_SECRET of the process the engine started)";
    return undefined;
  }

  /**
   * Ends the instance's current process (SIGKILL) because it misbehaves (malformed frames); its
   * exit then goes through the restart policy like any crash. No-op unless it is running.
   */
  recycle(instanceId: string): void {
    const inst = this.instances.find((i) => i.instanceId === instanceId);
    if (!inst || this.stopping || inst.state !== "running" || !inst.handle?.alive) return;
    try {
      inst.handle.kill();
    } catch (err) {
      this.opts.events.fatal(`could not restart ${instanceId}: ${toFlowError(err).message}`);
    }
  }

  /**
   * A data-plane stream to the instance failed. In attach mode the engine cannot see the process:
   * the handle checks whether the instance is still there, so a vanished component is reported at
   * once rather than after the heartbeat TTL.
   */
  suspect(instanceId: string): void {
    const inst = this.instances.find((i) => i.instanceId === instanceId);
    if (inst?.state === "running") inst.handle?.suspect?.();
  }

  /** The start failure of an attached instance that never registered: how to start it. */
  private attachTimeout(inst: SupervisedInstance): FlowError {
    const missing = this.instances.filter((i) => i.state === "registering").map((i) => i.instanceId);
    return new OperationalError(
      `attach mode: ${missing.join(", ")} did not register within ${this.opts.registrationTimeoutMs} ms (${inst.instanceId} first); ` +
        `start each with FLOWCTL_ENDPOINT=${this.opts.env.controlPlaneEndpoint} FLOWCTL_COMPONENT_ID=<its id> (and FLOWCTL_TOKEN when the run has one), ` +
        "or give them longer with --registration-timeout",
      { retryable: false, code: "FAILED_PRECONDITION" },
    );
  }

  /** True when `serviceId` is the key of a registration this run took. */
  owns(serviceId: string): boolean {
    return this.instances.some((i) => i.registration?.serviceId === serviceId);
  }

  /** One line: what happened, the line of its output that says why (not the stack), the log file. */
  private startError(inst: SupervisedInstance, handle: InstanceHandle, what: string, also = ""): FlowError {
    const why = errorLine(handle.lastLines());
    return new OperationalError(`component ${inst.instanceId} ${what}${why ? ` — ${why}` : " (no output)"}; log file: ${handle.logFile ?? "(none)"}${also}`, {
      retryable: false,
      code: "FAILED_PRECONDITION",
    });
  }

  private onExit(inst: SupervisedInstance, handle: InstanceHandle, exit: ExitInfo): void {
    if (inst.handle !== handle) return;
    inst.lastExit = exit;
    const wasRunning = inst.state === "running";
    // An attached instance's "exit" is the engine letting go of it (stop) or losing it (lost()).
    if (!this.attached) this.recordExit(inst, exit);
    if (this.stopping) {
      if (!isInstanceTerminal(inst.state) || inst.state === "exited") this.transition(inst, "stopped");
      this.opts.events.instanceDown(inst, true);
      return;
    }
    if (this.attached && wasRunning) {
      this.lost(inst, exit);
      return;
    }
    if (!this.startupDone && !wasRunning) {
      // startInstance reports this start failure; the run fails before it begins.
      this.transition(inst, "failed");
      return;
    }
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
      this.scheduleRestart(inst, inst.backoff.exited(Date.now()));
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

  private recordExit(inst: SupervisedInstance, exit: ExitInfo): void {
    this.opts.events.record("component.exited", inst.instanceId, `${inst.instanceId} exited (${describeExit(exit)})`, {
      code: exit.code,
      signal: exit.signal,
      error: exit.error ?? null,
      // Asked to stop (the run is ending): an exit then is expected, not a failure to look at.
      expected: this.stopping,
    });
  }

  /**
   * An attached instance went away: reported (the engine did not start it and cannot restart
   * it), its in-flight work put back for redelivery, and the next registration of its id awaited.
   */
  private lost(inst: SupervisedInstance, exit: ExitInfo): void {
    const reason = (exit.error ?? describeExit(exit)).replace(/^gone: /, "");
    this.opts.events.record(
      "component.gone",
      inst.instanceId,
      `${inst.instanceId} is gone (${reason}); flowctl did not start it (attach mode) and cannot restart it: whoever runs it (Kubernetes, Compose, a shell) must. Waiting for it to register again`,
      { reason, endpoint: inst.endpoint ?? null, restartedBy: "external" },
    );
    this.opts.events.instanceDown(inst, false);
    this.transition(inst, "restarting");
    this.startInstance(inst, this.lifetime, false).catch((err: unknown) => this.opts.events.fatal(`waiting for ${inst.instanceId} to register again failed: ${toFlowError(err).message}`));
  }

  private scheduleRestart(inst: SupervisedInstance, delay: number): void {
    inst.restartTimer = setTimeout(() => {
      inst.restartTimer = undefined;
      if (this.stopping) return;
      inst.restarts++;
      this.opts.events.restarted(inst);
      this.opts.events.record("component.restarted", inst.instanceId, `${inst.instanceId} restarting after ${delay} ms (restart ${inst.restarts}, policy ${inst.component.restartPolicy})`, {
        restarts: inst.restarts,
        delayMs: delay,
      });
      this.startInstance(inst, this.lifetime, false).catch((err: unknown) => this.opts.events.fatal(`restart of ${inst.instanceId} failed: ${toFlowError(err).message}`));
    }, delay);
  }

  /**
   * Stops every instance: terminate, up to `graceMs` for them to drain and exit, then kill.
   * Pending restarts are cancelled. Resolves when every instance is gone; rejects (after doing
   * all it can) when some instance could not be signalled.
   */
  async stop(graceMs: number, force: AbortSignal | undefined): Promise<void> {
    this.stopping = true;
    for (const inst of this.instances) {
      clearTimeout(inst.restartTimer);
      inst.restartTimer = undefined;
      if (inst.state === "restarting" || inst.state === "exited" || (inst.state === "starting" && !inst.handle?.alive)) this.transition(inst, "stopped");
    }
    const alive = this.instances.filter((i) => i.handle?.alive);
    // Per instance, and never throwing: one instance that cannot be signalled must not leave the
    // others running. A failed terminate is followed by a kill at once.
    const failed: string[] = [];
    const signal = (inst: SupervisedInstance, how: "terminate" | "kill") => {
      try {
        inst.handle![how]();
        return true;
      } catch (err) {
        failed.push(`${inst.instanceId}: ${how} failed (${toFlowError(err).message})`);
        return false;
      }
    };
    for (const inst of alive) if (!signal(inst, "terminate")) signal(inst, "kill");
    const allExited = Promise.all(alive.map((i) => i.handle!.exited));
    let timer: NodeJS.Timeout | undefined;
    let onForce: (() => void) | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      onForce = () => resolve();
      force?.addEventListener("abort", onForce, { once: true });
    });
    await Promise.race([allExited, graceOver]);
    clearTimeout(timer);
    if (onForce) force?.removeEventListener("abort", onForce);
    const left = alive.filter((i) => i.handle!.alive);
    for (const inst of left) signal(inst, "kill");
    // Only what could be signalled is waited for: an instance no signal reaches would hang the stop.
    await Promise.all(left.filter((i) => !failed.some((f) => f.startsWith(`${i.instanceId}: kill`))).map((i) => i.handle!.exited));
    for (const inst of this.instances) if (!isInstanceTerminal(inst.state)) this.transition(inst, "stopped");
    if (failed.length > 0) throw new OperationalError(`could not signal every component: ${failed.join("; ")}`, { retryable: false });
  }

  /**
   * Removes the registrations this run took that are still there (the run is over); another
   * run's registration of the same id is left alone.
   */
  async unregisterAll(): Promise<void> {
    const pending: Promise<unknown>[] = [];
    for (const inst of this.instances) {
      const reg = inst.registration;
      if (reg) pending.push(Promise.resolve().then(() => this.opts.registry.unregisterOwn(reg)));
    }
    const results = await Promise.allSettled(pending);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason), failed.map((f) => String(f.reason)).join("; "));
  }
}

/** The longest delay a Node timer takes (~24.8 days): "as long as the run lasts". */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function describeExit(exit: ExitInfo): string {
  if (exit.error) return `failed to start: ${exit.error}`;
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exit code ${exit.code}`;
}
