/**
 * `flowctl run <file>` of a given tree until its `run RUNNING` line: the engine's pid and its
 * components' pids are handed to `atRunning` at that moment (CPU used to get there), again to
 * `whenIdle` after `idleSeconds` (memory at rest), and optionally to `whenSettled` `settleSeconds`
 * later (V8 shrinks an idle heap only after several seconds without allocation); then the run is
 * stopped with SIGINT.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { childrenOf } from "./proc-stats";
import { waitFor } from "./spawn-role";

export interface RunToRunning<A, I> {
  /** The tree's bin (`<root>/bin/flowctl.mjs`) and a label for errors. */
  bin: string;
  label: string;
  file: string;
  /** Passed to `--registration-timeout`; generous, so a slow tree is slow rather than failed. */
  registrationTimeout: string;
  timeoutMs: number;
  idleSeconds: number;
  atRunning: (enginePid: number, componentPids: number[]) => A;
  whenIdle: (enginePid: number, componentPids: number[]) => I;
  settleSeconds?: number;
  whenSettled?: (enginePid: number, componentPids: number[]) => I;
}

/** See the module comment: `runningMs` from spawn to the RUNNING line. */
export async function runToRunning<A, I>(o: RunToRunning<A, I>): Promise<{ runningMs: number; atRunning: A; idle: I; settled?: I }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [o.bin, "run", o.file, "--control-plane-port", "0", "--no-persistence", "--no-component-logs", "--registration-timeout", o.registrationTimeout], {
    cwd: path.dirname(o.file),
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let runningAt = 0;
  let atRunning: A | undefined;
  const onData = (c: Buffer) => {
    out += c.toString();
    if (!runningAt && out.includes("run RUNNING")) {
      runningAt = performance.now();
      atRunning = o.atRunning(child.pid!, childrenOf(child.pid!));
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  try {
    await waitFor(() => runningAt > 0 || child.exitCode !== null, o.timeoutMs, `${o.label}: the pipeline to run`);
    if (!runningAt) throw new Error(`bench: ${o.label} run ended before RUNNING:\n${out.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, o.idleSeconds * 1000));
    const idle = o.whenIdle(child.pid!, childrenOf(child.pid!));
    if (!o.whenSettled) return { runningMs: runningAt - t0, atRunning: atRunning!, idle };
    await new Promise((r) => setTimeout(r, (o.settleSeconds ?? 0) * 1000));
    return { runningMs: runningAt - t0, atRunning: atRunning!, idle, settled: o.whenSettled(child.pid!, childrenOf(child.pid!)) };
  } finally {
    child.kill("SIGINT");
    await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
  }
}
