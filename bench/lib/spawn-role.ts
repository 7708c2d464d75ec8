/** Spawning benchmark processes and reading their JSON-lines stdout. */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface Role {
  child: ChildProcess;
  /** Latest JSON object the process printed with a `count` field. */
  lastCount(): { t: number; count: number } | undefined;
  /** Resolves once the process printed `{"ready":true}`. */
  ready: Promise<void>;
  kill(): Promise<void>;
}

/** Runs a TypeScript file under node with tsx, collecting its JSON-lines output. */
export function spawnTs(file: string, args: string[], opts: { env?: Record<string, string>; nodeArgs?: string[] } = {}): Role {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "--import", "tsx", path.join(REPO_ROOT, file), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let last: { t: number; count: number } | undefined;
  let markReady: () => void = () => undefined;
  let fail: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    fail = reject;
  });
  // Roles that never print ready (clients) are simply never awaited; don't crash on their exit.
  ready.catch(() => undefined);
  child.once("exit", (code) => fail(new Error(`${file} ${args.join(" ")} exited with ${code} before ready`)));
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      const msg = JSON.parse(line) as { ready?: boolean; count?: number; t?: number };
      if (msg.ready) markReady();
      if (typeof msg.count === "number") last = { t: msg.t ?? Date.now(), count: msg.count };
    } catch {
      // not a JSON line: ignore (logs go to stderr anyway)
    }
  });
  return {
    child,
    ready,
    lastCount: () => last,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

/** Resolves when `check()` is true, polling every `everyMs`, or rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
