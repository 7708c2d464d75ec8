/**
 * A built-in started on its own (no control plane, ports chosen by the OS), as the start-up and
 * component sections measure it: `use` gets its pid and the wall time to `component ready`; the
 * process is killed afterwards.
 */
import { spawn } from "node:child_process";
import { waitFor } from "./spawn-role";

/** Runs `argv` (after `node`) in `cwd` until it logs `component ready`, hands it to `use`, kills it. */
export async function withStandaloneBuiltin<T>(argv: string[], cwd: string, what: string, use: (pid: number, readyMs: number) => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const child = spawn(process.execPath, argv, {
    cwd,
    env: { ...process.env, PORT: "0", HEALTH_PORT: "0", METRICS_PORT: "0", ENABLE_FLOWCTL: "false" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  try {
    await waitFor(() => err.includes("component ready") || child.exitCode !== null, 60_000, `${what} to be ready`);
    if (!err.includes("component ready")) throw new Error(`bench: ${what} exited: ${err.slice(-1000)}`);
    return await use(child.pid!, performance.now() - t0);
  } finally {
    child.kill("SIGKILL");
  }
}
