/**
 * The process driver: starts one component instance as a child process (argv, never a shell) in
 * its own process group, so stopping it reaches everything it started; captures its output into
 * the instance log file and the console stream.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { OperationalError } from "../../core/errors";
import { LineCollector, openInstanceLog, type ConsoleSink } from "./log-stream";

/** Repository root (this file is server/drivers/process/process-driver.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** `bin/flowctl.mjs`: registers tsx itself, so children run TypeScript under plain `node`. */
export const FLOWCTL_BIN = path.join(REPO_ROOT, "bin", "flowctl.mjs");

/** argv of a built-in component: `node bin/flowctl.mjs component <name>`. */
export function builtinArgv(name: string): string[] {
  return [process.execPath, FLOWCTL_BIN, "component", name];
}

export interface SpawnRequest {
  instanceId: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  logDir: string;
  runId: string;
  console?: ConsoleSink;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES, …). */
  error?: string;
}

/** A running instance. */
export interface ProcessHandle {
  readonly pid: number | undefined;
  readonly logFile: string;
  readonly startedAt: Date;
  /** Resolves once, when the process exited and its output was flushed. */
  readonly exited: Promise<ExitInfo>;
  /** Sends a signal to the whole process group (no-op once exited). */
  signal(sig: NodeJS.Signals): void;
  lastLines(): string[];
  readonly alive: boolean;
}

const TAIL_LINES = 20;

/** Spawns an instance. Never throws for a missing binary: `exited` resolves with `error`. */
export function spawnInstance(req: SpawnRequest): ProcessHandle {
  const [cmd, ...args] = req.argv;
  if (!cmd) throw new OperationalError(`component ${req.instanceId}: empty command`, { retryable: false, code: "INVALID_ARGUMENT" });
  const log = openInstanceLog(req.logDir, req.runId, req.instanceId);
  const startedAt = new Date();
  log.stream.write(`# ${startedAt.toISOString()} start: ${JSON.stringify(req.argv)} cwd=${req.cwd}\n`);
  const lines = new LineCollector(TAIL_LINES, (line) => {
    log.stream.write(line + "\n");
    req.console?.(req.instanceId, line, "stdout");
  });
  let alive = true;
  let spawnError: string | undefined;
  const child: ChildProcess = spawn(cmd, args, { cwd: req.cwd, env: req.env as NodeJS.ProcessEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (c: Buffer) => lines.push(c));
  child.stderr?.on("data", (c: Buffer) => lines.push(c));
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (err: NodeJS.ErrnoException) => {
      // 'error' without 'close' happens when the spawn itself failed.
      spawnError = `${err.code ?? "error"}: ${err.message}`;
      if (child.pid === undefined) finish(null, null);
    });
    child.once("exit", () => {
      // Helpers the component left behind in its group would keep the pipes (and the machine) busy.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ESRCH") spawnError ??= `cleanup: ${(err as Error).message}`;
        }
      }
    });
    child.once("close", (code, sig) => finish(code, sig));
    function finish(code: number | null, sig: NodeJS.Signals | null): void {
      if (!alive) return;
      alive = false;
      lines.flush();
      const info: ExitInfo = { code, signal: sig };
      if (spawnError) info.error = spawnError;
      log.stream.end(`# ${new Date().toISOString()} exit: code=${code} signal=${sig}${spawnError ? " error=" + spawnError : ""}\n`, () => resolve(info));
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
    lastLines: () => lines.lastLines(),
  };
}
