/**
 * Shared set-up of the tests that drive flowctl as a user does: the real CLI as a child process
 * (`node bin/flowctl.mjs …`), its output collected, and every child stopped after each test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The CLI entry point users run (`npx flowctl`).
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/flowctl.mjs");

const children: ChildProcess[] = [];

/** One spawned `flowctl …` process. */
export interface Cli {
  child: ChildProcess;
  /** stdout alone (for commands whose stdout is JSON). */
  stdout: () => string;
  /** stdout and stderr interleaved as they arrived. */
  output: () => string;
  /** Resolves with the exit code once the process has closed its pipes. */
  exited: Promise<number | null>;
}

/** Spawns `flowctl <args>` in `cwd` (NO_COLOR set, plus `env`); {@link cleanupChildren} stops it after the test. */
export function flowctl(args: string[], cwd: string, env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let stdout = "";
  child.stdout!.on("data", (c: Buffer) => ((out += c.toString()), (stdout += c.toString())));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, stdout: () => stdout, output: () => out, exited };
}

/**
 * Stops every child {@link flowctl} started, for `afterEach`. Graceful first (SIGINT: a run stops
 * its components), newest first (runs before the server they use); SIGKILL only if that hangs —
 * a SIGKILLed engine would leave its components behind when an assertion fails mid-run.
 */
export async function cleanupChildren(): Promise<void> {
  for (const c of children.splice(0).reverse()) await stopChild(c);
}

/** SIGINT, then SIGKILL after `forceAfterMs`; resolves once the process closed. */
export async function stopChild(c: ChildProcess, forceAfterMs = 15_000): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const closed = new Promise<void>((resolve) => c.once("close", () => resolve()));
  c.kill("SIGINT");
  const force = setTimeout(() => c.kill("SIGKILL"), forceAfterMs);
  await closed;
  clearTimeout(force);
}
