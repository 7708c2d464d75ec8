/**
 * The console as a process among others: a `flowctl run` in another shell shows in its history,
 * both keep the shared Prometheus `file_sd` file current (and the console answers `http_sd`), a
 * real Prometheus discovers and scrapes them, and Ctrl-C leaves no component behind.
 */
import { readFileSync, readdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prometheusAvailable, startPrometheus, waitFor, type PrometheusProcess } from "../../server/metrics/test-support/prometheus-process";
import type { RunListItem } from "../../server/services/api-types";
import { cleanupChildren, flowctl, type Cli } from "../engine/cli-harness";

const PIPELINE = (name: string) => `apiVersion: flowctl/v1
kind: Pipeline
metadata: { name: ${name} }
spec:
  sources: [{ id: gen, type: load-generator, env: { EVENTS_PER_SECOND: 100, EVENT_SIZE_BYTES: 64 } }]
  sinks: [{ id: sink, type: blackhole, inputs: [gen] }]
`;

let dir: string;
let consoleCli: Cli;
let base: string;
let prometheus: PrometheusProcess | undefined;
const targetsFile = () => path.join(dir, ".flowctl", "prometheus", "targets.json");
const targets = (): Array<{ targets: string[]; labels: Record<string, string> }> => (existsSync(targetsFile()) ? JSON.parse(readFileSync(targetsFile(), "utf8")) : []);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-console-proc-"));
  consoleCli = flowctl(["console", "--no-demo", "--port", "0", "--grpc-port", "0"], dir);
  base = await waitFor("the console to start", async () => /flowctl console\s+(http:\/\/\S+)/.exec(consoleCli.stdout())?.[1], 280_000);
}, 300_000);

afterAll(async () => {
  await prometheus?.stop();
  await cleanupChildren();
  rmSync(dir, { recursive: true, force: true });
});

/** Pids whose environment says they belong to `runId` (what the engine gives every component). */
function processesOfRun(runId: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/environ`, "utf8").split("\0").includes(`FLOWCTL_RUN_ID=${runId}`)) pids.push(Number(p));
    } catch {
      continue;
    }
  }
  return pids;
}

describe("the console beside flowctl run", () => {
  it("lists a run another process executes, and both publish their targets in one file_sd file", async () => {
    writeFileSync(path.join(dir, "elsewhere.yaml"), PIPELINE("elsewhere"));
    const run = flowctl(["run", "elsewhere.yaml", "--control-plane-port", "0", "--no-component-logs"], dir);
    const runId = await waitFor("the CLI run in the console's history", async () => {
      const runs = (await (await fetch(`${base}/api/runs?pipeline=elsewhere`)).json()) as RunListItem[];
      return runs.find((r) => r.status === "RUNNING")?.runId;
    }, 90_000);
    const listed = (await (await fetch(`${base}/api/runs/${runId}`)).json()) as RunListItem;
    expect(listed).toMatchObject({ pipelineName: "elsewhere", owned: false, version: null });
    // The console can say so, but cannot stop a run it does not execute.
    expect((await fetch(`${base}/api/runs/${runId}/stop`, { method: "POST" })).status).toBe(412);

    const consolePort = new URL(base).port;
    await waitFor("both processes' targets in targets.json", async () => {
      const groups = targets();
      const instances = groups.filter((g) => g.labels.run_id === runId).map((g) => g.labels.flowctl_instance).sort();
      const engine = groups.some((g) => g.labels.job === "flowctl-engine" && g.targets[0]!.endsWith(`:${consolePort}`));
      return instances.join(",") === "gen,sink" && engine ? true : undefined;
    }, 60_000);

    if (prometheusAvailable()) {
      // A real Prometheus discovers the CLI run's components through the file and the console
      // through http_sd, and scrapes them.
      prometheus = await startPrometheus({
        config: `global:
  scrape_interval: 1s
  scrape_timeout: 800ms
scrape_configs:
  - job_name: file
    file_sd_configs: [{ files: ["${targetsFile()}"], refresh_interval: 1s }]
  - job_name: http
    http_sd_configs: [{ url: "${base}/api/prometheus/targets", refresh_interval: 1s }]
`,
      });
      const url = prometheus.url;
      await waitFor("Prometheus to scrape the component and the console", async () => {
        const res = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ labels: Record<string, string>; health: string }> } };
        const up = res.data.activeTargets.filter((t) => t.health === "up");
        const component = up.some((t) => t.labels.run_id === runId && t.labels.flowctl_instance === "gen");
        const consoleUp = up.some((t) => t.labels.job === "flowctl-engine" && t.labels.instance?.endsWith(`:${consolePort}`));
        return component && consoleUp ? true : undefined;
      }, 60_000);
      // The sink's own counter, with the labels the discovery gave it.
      const query = encodeURIComponent(`component_events_processed_total{run_id="${runId}",flowctl_instance="sink",pipeline="elsewhere"}`);
      await waitFor("the sink's counter in Prometheus", async () => {
        const q = (await (await fetch(`${url}/api/v1/query?query=${query}`)).json()) as { data: { result: unknown[] } };
        return q.data.result.length === 1 ? true : undefined;
      }, 30_000);
    }

    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    // Its targets leave the file with it; the console's stay.
    expect(targets().some((g) => g.labels.run_id === runId)).toBe(false);
    expect(targets().some((g) => g.labels.job === "flowctl-engine")).toBe(true);
  });

  it("Ctrl-C stops every run it executes and leaves no component process behind", async () => {
    await fetch(`${base}/api/pipelines/mine`, { method: "PUT", headers: { "Content-Type": "application/yaml" }, body: PIPELINE("mine") });
    const { runId } = (await (await fetch(`${base}/api/pipelines/mine/runs`, { method: "POST" })).json()) as { runId: string };
    await waitFor("the run's components", async () => (processesOfRun(runId).length === 2 ? true : undefined), 60_000);
    consoleCli.child.kill("SIGINT");
    expect(await consoleCli.exited).toBe(0);
    expect(processesOfRun(runId)).toEqual([]);
    // Recorded as stopped, with the pipeline to resume at the next start.
    expect(JSON.parse(readFileSync(path.join(dir, ".flowctl", "console-resume.json"), "utf8"))).toMatchObject({ runs: [{ pipeline: "mine" }] });
    const restarted = flowctl(["pipelines", "list", "-o", "json"], dir);
    await restarted.exited;
    expect(restarted.stdout()).toContain("mine");
  });
});
