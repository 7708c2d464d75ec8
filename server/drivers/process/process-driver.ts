/**
 * The process driver: starts one component instance as a child process (argv, never a shell) in
 * its own process group, so stopping it reaches everything it started; captures its output, line
 * by line and per stream, into the instance log file and the `onLine` callback.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FlowError, OperationalError } from "../../core/errors";
import type { CompiledComponent } from "../../core/spec/compile";
import type { ComponentDriver, ExitInfo, InstanceHandle, InstanceOutput, InstancePorts, InstanceSpec } from "../driver";
import { builtinEnvDefaults, builtinNodeFlags } from "../../core/builtin-runtime";
import { freePorts } from "./free-port";
import { InstanceLogWriter, LineCollector } from "./log-stream";
import { reapRunProcesses, recordProcess } from "./orphan-reaper";

export type { ExitInfo } from "../driver";

/** Repository root (this file is server/drivers/process/process-driver.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** `bin/flowctl.mjs`: runs the compiled CLI, compiling first when the sources changed (docs/build.md). */
export const FLOWCTL_BIN = path.join(REPO_ROOT, "bin", "flowctl.mjs");
/** This module runs compiled (dist/), not from the TypeScript sources (tests, the bench). */
const COMPILED = !import.meta.url.endsWith(".ts");

/**
 * argv of a built-in component. A compiled engine starts the built-in's bundle directly
 * (`node dist/components/<name>.js`): its bin checked dist/ against the sources when it started,
 * so the bundle is the build the engine itself runs, and the component skips the bin's check.
 * From sources: `node bin/flowctl.mjs component <name>` (the bin compiles first if needed).
 * `env` is the instance's environment (its NODE_OPTIONS decides whether our Node flags apply).
 */
export function builtinArgv(name: string, env: Readonly<Record<string, string | undefined>> = {}): string[] {
  const bundle = path.join(REPO_ROOT, "dist", "components", `${name}.js`);
  const flags = builtinNodeFlags(env);
  if (COMPILED && existsSync(bundle)) return [process.execPath, ...flags, bundle];
  return [process.execPath, ...flags, FLOWCTL_BIN, "component", name];
}

export interface SpawnRequest {
  instanceId: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  logDir: string;
  runId: string;
  /** Every complete line the instance prints, tagged with its stream. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** The log file cannot be written (disk full, …): reported once; output still reaches `onLine`. */
  onLogError?: (err: Error) => void;
}

/** A running instance. */
export interface ProcessHandle {
  readonly pid: number | undefined;
  readonly logFile: string;
  readonly startedAt: Date;
  /** Resolves once, when the process exited and its output was flushed. Never rejects. */
  readonly exited: Promise<ExitInfo>;
  /** Sends a signal to the whole process group (no-op once exited). */
  signal(sig: NodeJS.Signals): void;
  lastLines(): string[];
  readonly alive: boolean;
}

/** Lines kept for start-failure messages: enough to reach the message above a deep stack. */
const TAIL_LINES = 60;

/** Spawns an instance. Never throws for a missing binary: `exited` resolves with `error`. */
export function spawnInstance(req: SpawnRequest): ProcessHandle {
  const [cmd, ...args] = req.argv;
  if (!cmd) throw new OperationalError(`component ${req.instanceId}: empty command`, { retryable: false, code: "INVALID_ARGUMENT" });
  const log = new InstanceLogWriter(req.logDir, req.runId, req.instanceId, (err) => req.onLogError?.(err));
  const startedAt = new Date();
  log.write(`# ${startedAt.toISOString()} start: ${JSON.stringify(req.argv)} cwd=${req.cwd}\n`);
  // One collector per stream: partial lines of stdout and stderr never interleave, and each line
  // keeps the stream it came from. The tail (for start errors) is shared, in arrival order.
  const tail: string[] = [];
  const collector = (stream: "stdout" | "stderr") =>
    new LineCollector((line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      log.write(line + "\n");
      req.onLine?.(line, stream);
    });
  const out = collector("stdout");
  const err = collector("stderr");
  let alive = true;
  let spawnError: string | undefined;
  const child: ChildProcess = spawn(cmd, args, { cwd: req.cwd, env: req.env as NodeJS.ProcessEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  // Back-pressure: while the log file lags, stop reading the pipes (the component then blocks on
  // its own writes) instead of buffering a chatty component's output in the engine.
  const pipes = [child.stdout, child.stderr].filter((p) => p !== null);
  log.onBackPressure((paused) => {
    for (const p of pipes) {
      if (paused) p.pause();
      else p.resume();
    }
  });
  child.stdout?.on("data", (c: Buffer) => out.push(c));
  child.stderr?.on("data", (c: Buffer) => err.push(c));
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (e: NodeJS.ErrnoException) => {
      // 'error' without 'close' happens when the spawn itself failed.
      spawnError = `${e.code ?? "error"}: ${e.message}`;
      if (child.pid === undefined) finish(null, null);
    });
    child.once("exit", () => {
      // Helpers the component left behind in its group would keep the pipes (and the machine) busy.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "ESRCH") spawnError ??= `cleanup: ${(e as Error).message}`;
        }
      }
    });
    child.once("close", (code, sig) => finish(code, sig));
    function finish(code: number | null, sig: NodeJS.Signals | null): void {
      if (!alive) return;
      alive = false;
      out.flush();
      err.flush();
      const info: ExitInfo = { code, signal: sig };
      if (spawnError) info.error = spawnError;
      // `exited` never rejects: whatever happens to the log file, the exit is reported.
      log.end(`# ${new Date().toISOString()} exit: code=${code} signal=${sig}${spawnError ? " error=" + spawnError : ""}\n`).then(
        () => resolve(info),
        () => resolve(info),
      );
    }
  });
  return {
    get pid() {
      return child.pid;
    },
    logFile: log.file,
    startedAt,
    exited,
    get alive() {
      return alive;
    },
    signal(sig) {
      if (!alive || child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch (err) {
        // ESRCH: the group is already gone (exited between the check and the kill).
        if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
      }
    },
    lastLines: () => [...tail],
  };
}

/** The built-in the process driver runs for `c`: its type, unless a `command` of its own replaces it. */
function builtinOf(c: CompiledComponent): string | undefined {
  return c.command && c.command.length > 0 ? undefined : c.builtin;
}

/** argv of a component for the process driver: its `command` + `args`, or the built-in's. */
export function componentArgv(c: CompiledComponent, env: Readonly<Record<string, string | undefined>> = {}): string[] {
  const builtin = builtinOf(c);
  if (builtin) return [...builtinArgv(builtin, env), ...c.args];
  if (c.command && c.command.length > 0) return [...c.command, ...c.args];
  throw new FlowError("FAILED_PRECONDITION", `component ${c.id}: the process driver needs \`command\` or a built-in \`type\` (image-only components need a container driver)`);
}

/**
 * Components as local child processes: free loopback ports, the engine's environment passed
 * down (minus the variables the engine owns), one process group and one log file per instance,
 * every spawn recorded so a later engine can reap what a dead one left behind.
 */
export class ProcessDriver implements ComponentDriver {
  readonly kind = "process";
  readonly bindHost = "127.0.0.1";

  constructor(private readonly opts: { logDir: string; baseEnv?: NodeJS.ProcessEnv }) {}

  async allocatePorts(count: number): Promise<InstancePorts[]> {
    const ports = await freePorts(count * 3);
    return Array.from({ length: count }, (_, i) => ({ port: ports[i * 3]!, healthPort: ports[i * 3 + 1]!, metricsPort: ports[i * 3 + 2]! }));
  }

  start(spec: InstanceSpec, output: InstanceOutput): InstanceHandle {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.opts.baseEnv ?? process.env)) if (v !== undefined) env[k] = v;
    for (const k of spec.ownedEnv) delete env[k];
    Object.assign(env, spec.env);
    if (builtinOf(spec.component)) Object.assign(env, builtinEnvDefaults(env));
    const handle = spawnInstance({
      instanceId: spec.instanceId,
      argv: componentArgv(spec.component, env),
      cwd: spec.cwd,
      env,
      logDir: this.opts.logDir,
      runId: spec.runId,
      onLine: (line, stream) => output.line(line, stream),
      onLogError: (err) => output.logFailed(err),
    });
    // Recorded before anything else can fail, so a later engine can reap it if this one dies.
    if (handle.pid !== undefined) recordProcess(this.opts.logDir, spec.runId, { instanceId: spec.instanceId, pid: handle.pid, startedAt: handle.startedAt.toISOString() });
    return {
      get pid() {
        return handle.pid;
      },
      logFile: handle.logFile,
      startedAt: handle.startedAt,
      exited: handle.exited,
      get alive() {
        return handle.alive;
      },
      terminate: () => handle.signal("SIGTERM"),
      kill: () => handle.signal("SIGKILL"),
      lastLines: () => handle.lastLines(),
    };
  }

  reap(runId: string): number[] {
    return reapRunProcesses(this.opts.logDir, runId);
  }
}
