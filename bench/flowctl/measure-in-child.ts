/**
 * `measureFlowctl` in a fresh Node process, for figures the benchmark process's own history would
 * distort: its RSS does not grow while new allocations reuse pages that earlier runs freed, so
 * "engine RSS per queued event" read in-process after other runs came out at ~60 B for 1 KiB
 * events. Run as `node --import tsx measure-in-child.ts` with the options as JSON on argv; prints
 * the measurement as JSON on its last line.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { measureFlowctl, type FlowctlMeasurement } from "./run-flowctl";

type Options = Parameters<typeof measureFlowctl>[0];

/** Runs `measureFlowctl(options)` in a child process and returns its result. */
export async function measureInChild(options: Options): Promise<FlowctlMeasurement> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), JSON.stringify(options)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  const last = out.trim().split("\n").at(-1) ?? "";
  if (code !== 0 || !last.startsWith("{")) throw new Error(`bench: measurement in a child process failed (exit ${code}): ${out.slice(-1000)}`);
  return JSON.parse(last) as FlowctlMeasurement;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const m = await measureFlowctl(JSON.parse(process.argv[2]!) as Options);
  process.stdout.write(`\n${JSON.stringify(m)}\n`);
  process.exit(0);
}
