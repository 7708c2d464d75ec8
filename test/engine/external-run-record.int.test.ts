/**
 * `flowctl run --use-external-control-plane` against a real `flowctl server` child process: the run
 * record is created and updated on that server through the legacy flowctl.ControlPlane run RPCs,
 * so `flowctl pipelines active/list` there show it; `flowctl pipelines stop` on that server marks
 * the record STOPPED and the engine, which polls its record, stops the run (exit 0, STOPPED);
 * the record then keeps STOPPED. A run that completes on its own ends its external record
 * COMPLETED with the metrics summary.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { tempDir, waitFor, writePipeline } from "./engine-harness";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/flowctl.mjs");
const children: ChildProcess[] = [];
// Graceful first (SIGINT: the run stops its components), newest first (runs before the server
// they use); SIGKILL only if that hangs — a SIGKILLed engine would leave its components behind.
afterEach(async () => {
  for (const c of children.splice(0).reverse()) await stopChild(c);
});

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const closed = new Promise<void>((resolve) => c.once("close", () => resolve()));
  c.kill("SIGINT");
  const force = setTimeout(() => c.kill("SIGKILL"), 15_000);
  await closed;
  clearTimeout(force);
}

interface Cli {
  child: ChildProcess;
  stdout: () => string;
  output: () => string;
  exited: Promise<number | null>;
}

function flowctl(args: string[], cwd: string): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let stdout = "";
  child.stdout!.on("data", (c: Buffer) => ((out += c.toString()), (stdout += c.toString())));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, stdout: () => stdout, output: () => out, exited };
}

/** Runs a short CLI command to its end and parses its JSON stdout. */
async function json<T>(args: string[], cwd: string): Promise<T> {
  const c = flowctl(args, cwd);
  const code = await c.exited;
  if (code !== 0) throw new Error(`flowctl ${args.join(" ")} exited ${code}: ${c.output()}`);
  return JSON.parse(c.stdout()) as T;
}

interface RunRow {
  runId: string;
  pipelineName: string;
  status: string;
}

it("records the run on an external flowctl server; its StopPipelineRun stops the run", async () => {
  const dir = tempDir("flowctl-extcp-");
  const server = flowctl(["server", "--port", "0", "--no-persistence"], dir);
  await waitFor("the control plane to be ready", () => /Control plane ready at 127\.0\.0\.1:\d+/.test(server.stdout()), 60_000);
  const port = /Control plane ready at 127\.0\.0\.1:(\d+)/.exec(server.stdout())![1]!;
  const cpFlags = ["--control-plane-port", port, "-o", "json"];

  const { file } = writePipeline(dir, {
    name: "external-record",
    sources: [{ id: "src", env: { EVENTS_PER_SECOND: 200 } }],
    sinks: [{ id: "sink", inputs: ["src"] }],
  });
  const run = flowctl(["run", file, "--use-external-control-plane", "--control-plane-port", port, "--no-persistence", "--no-component-logs", "--grace-period", "4s"], dir);
  await waitFor("the run to be RUNNING", () => run.stdout().includes("run RUNNING"), 60_000);
  const runId = /run id\s+([0-9a-f-]{36})/.exec(run.stdout())![1]!;

  // The RUNNING update is asynchronous: poll the server until it shows it.
  let active: RunRow[] = [];
  await waitFor(
    "the run to be active on the server",
    async () => {
      active = await json<RunRow[]>(["pipelines", "active", ...cpFlags], dir);
      return active.some((r) => r.runId === runId);
    },
    30_000,
    250,
  );
  expect(active.find((r) => r.runId === runId)).toMatchObject({ pipelineName: "external-record", status: "running" });
  const list = await json<Array<{ name?: string; pipeline?: string; pipelineName?: string }>>(["pipelines", "list", ...cpFlags], dir);
  expect(JSON.stringify(list)).toContain("external-record");

  const stopped = await json<RunRow>(["pipelines", "stop", runId, ...cpFlags], dir);
  expect(stopped.status).toBe("stopped");
  // The engine notices its record was stopped and stops the run itself.
  expect(await run.exited).toBe(0);
  expect(run.stdout()).toContain("run STOPPED");
  expect(run.output()).toContain("external control plane");
  const info = await json<RunRow>(["pipelines", "run-info", runId, ...cpFlags], dir);
  expect(info.status).toBe("stopped");
});

it("a run that completes updates its external record to completed with the metrics summary", async () => {
  const dir = tempDir("flowctl-extcp-");
  const server = flowctl(["server", "--port", "0", "--no-persistence"], dir);
  await waitFor("the control plane to be ready", () => /Control plane ready at 127\.0\.0\.1:\d+/.test(server.stdout()), 60_000);
  const port = /Control plane ready at 127\.0\.0\.1:(\d+)/.exec(server.stdout())![1]!;
  const { file } = writePipeline(dir, { name: "external-done", sources: [{ id: "src", env: { EVENT_COUNT: 500 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
  const run = flowctl(["run", file, "--use-external-control-plane", "--control-plane-port", port, "--no-persistence", "--no-component-logs"], dir);
  expect(await run.exited).toBe(0);
  expect(run.stdout()).toContain("run COMPLETED");
  const runId = /run id\s+([0-9a-f-]{36})/.exec(run.stdout())![1]!;
  const info = await json<RunRow & { eventsProcessed: number; componentIds: string[] }>(["pipelines", "run-info", runId, "--control-plane-port", port, "-o", "json"], dir);
  expect(info).toMatchObject({ pipelineName: "external-done", status: "completed", eventsProcessed: 500, componentIds: ["src", "sink"] });
});
