/**
 * `flowctl run --use-external-control-plane` against a real `flowctl server` child process: the run
 * record is created and updated on that server through the legacy flowctl.ControlPlane run RPCs,
 * so `flowctl pipelines active/list` there show it; `flowctl pipelines stop` on that server marks
 * the record STOPPED and the engine, which polls its record, stops the run (exit 0, STOPPED);
 * the record then keeps STOPPED. A run that completes on its own ends its external record
 * COMPLETED with the metrics summary.
 */
import { afterEach, expect, it } from "vitest";
import { cleanupChildren, flowctl } from "./cli-harness";
import { tempDir, waitFor, writePipeline } from "./engine-harness";

afterEach(cleanupChildren);

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
