/**
 * `npm run bench:console`: what the console costs, measured on a real console and a real
 * 50-component pipeline in Debian's chromium.
 *
 *  - the browser's main-thread time per 1 Hz live update (script time of each stats frame — React's
 *    render and commit of every overlay — from Performance API marks, and all main-thread task time
 *    per second from Chrome's own counters, charts' refreshes included);
 *  - time to first contentful paint and to the first live numbers of the run view;
 *  - the console process's CPU and memory with 0, then 20 open live views of one run (each view
 *    as a browser holds it: the SSE stream plus the charts' queries every 5 s), side by side.
 *
 * Writes bench/results/console.json and prints a table. Options: --seconds N (each window, 30).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { runChartQueries } from "../../components/run-view/run-queries";
import { cpuShare, median, sampleProc } from "../lib/proc-stats";
import { REPO_ROOT, waitFor } from "../lib/spawn-role";

const LANES = 12;

/** 2 sources → 12 lanes of 3 processors → 12 sinks: 50 components, 48 edges, a wide graph. */
export function fiftyComponentPipeline(): string {
  const lines = ["apiVersion: flowctl/v1", "kind: Pipeline", "metadata:", "  name: wide-50", "spec:", "  sources:"];
  for (const s of ["src-a", "src-b"]) lines.push(`    - id: ${s}`, "      type: load-generator", "      env: { EVENTS_PER_SECOND: 60, EVENT_SIZE_BYTES: 128 }");
  lines.push("  processors:");
  for (let i = 0; i < LANES; i++) {
    for (let stage = 1; stage <= 3; stage++) {
      const input = stage === 1 ? (i % 2 === 0 ? "src-a" : "src-b") : `lane${i}-p${stage - 1}`;
      lines.push(`    - id: lane${i}-p${stage}`, "      type: passthrough", `      inputs: [${input}]`);
    }
  }
  lines.push("  sinks:");
  for (let i = 0; i < LANES; i++) lines.push(`    - id: lane${i}-sink`, "      type: blackhole", `      inputs: [lane${i}-p3]`);
  return lines.join("\n") + "\n";
}

/**
 * GET with one retry when a kept-alive connection was closed under the request: while 50 processes
 * start, the console's event loop can run its keep-alive timer late (a browser retries the same way).
 */
async function getJson<T>(url: string): Promise<T> {
  try {
    return (await (await fetch(url)).json()) as T;
  } catch {
    return (await (await fetch(url)).json()) as T;
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
}

async function main(argv: string[]): Promise<void> {
  const seconds = Number(argv[argv.indexOf("--seconds") + 1] ?? 30) || 30;
  const dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-console-bench-"));
  const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin", "flowctl.mjs"), "console", "--no-demo", "--port", "0", "--grpc-port", "0"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (out += b.toString()));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
  try {
    await waitFor(() => /flowctl console\s+http:\/\/\S+/.test(out), 300_000, "the console to start");
    const base = /flowctl console\s+(http:\/\/\S+)/.exec(out)![1]!;
    const put = await fetch(`${base}/api/pipelines/wide-50`, { method: "PUT", headers: { "Content-Type": "application/yaml" }, body: fiftyComponentPipeline() });
    if (!put.ok) throw new Error(`saving the pipeline: ${put.status} ${await put.text()}`);
    const { runId } = (await (await fetch(`${base}/api/pipelines/wide-50/runs`, { method: "POST" })).json()) as { runId: string };
    const startedAt = Date.now();
    let running = false;
    while (!running) {
      const r = await getJson<{ status: string }>(`${base}/api/runs/${runId}`);
      if (r.status === "RUNNING") running = true;
      else if (r.status !== "STARTING") throw new Error(`run ended ${r.status}`);
      else await new Promise((res) => setTimeout(res, 1000));
    }
    const toRunning = Date.now() - startedAt;
    // A window of data before measuring, so every overlay has numbers.
    await new Promise((r) => setTimeout(r, 12_000));

    // ---- the browser ----------------------------------------------------------------------------
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const t0 = Date.now();
    await page.goto(`${base}/runs/${runId}`, { waitUntil: "commit", timeout: 120_000 });
    await page.getByTestId("out-src-a").filter({ hasNotText: "—" }).waitFor({ timeout: 60_000 });
    const firstNumbersMs = Date.now() - t0;
    const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN);
    await page.evaluate(() => performance.clearMeasures("flowctl:stats-update"));
    const metricsBefore = await cdp.send("Performance.getMetrics");
    const windowStart = Date.now();
    await page.waitForTimeout(seconds * 1000);
    const metricsAfter = await cdp.send("Performance.getMetrics");
    const elapsed = (Date.now() - windowStart) / 1000;
    const updates = await page.evaluate(() => performance.getEntriesByName("flowctl:stats-update").map((e) => e.duration));
    const metric = (m: typeof metricsBefore, name: string) => m.metrics.find((x) => x.name === name)?.value ?? 0;
    const taskSecondsPerSec = (metric(metricsAfter, "TaskDuration") - metric(metricsBefore, "TaskDuration")) / elapsed;
    const scriptSecondsPerSec = (metric(metricsAfter, "ScriptDuration") - metric(metricsBefore, "ScriptDuration")) / elapsed;
    await page.close();

    // ---- the server with 0, then 20 live views ---------------------------------------------------
    const pid = child.pid!;
    const measureServer = async (views: number) => {
      const ac = new AbortController();
      const streams: Promise<void>[] = [];
      const q = runChartQueries(runId, "wide-50", "15s");
      const chartQueries = [...q.throughput, ...q.latency, ...q.queues, ...q.busy].map((c) => c.expr);
      for (let v = 0; v < views; v++) {
        streams.push(
          (async () => {
            const res = await fetch(`${base}/api/runs/${runId}/stream`, { signal: ac.signal });
            const reader = res.body!.getReader();
            for (;;) if ((await reader.read()).done) return;
          })().catch(() => undefined),
        );
      }
      const polls = setInterval(() => {
        const end = Date.now() / 1000;
        for (let v = 0; v < views; v++)
          for (const expr of chartQueries) void fetch(`${base}/api/v1/query_range?${new URLSearchParams({ query: expr, start: String(end - 300), end: String(end), step: "3" })}`, { signal: ac.signal }).then((r) => r.text()).catch(() => undefined);
      }, 5_000);
      await new Promise((r) => setTimeout(r, 3_000));
      const a = sampleProc(pid);
      const t = Date.now();
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const b = sampleProc(pid);
      clearInterval(polls);
      ac.abort();
      await Promise.all(streams);
      return { cpuCores: cpuShare(a, b, (Date.now() - t) / 1000), rssMb: b?.rssMb ?? NaN };
    };
    const idle = await measureServer(0);
    const twenty = await measureServer(20);

    const result = {
      machine: { cpus: os.availableParallelism(), loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), node: process.version },
      pipeline: { components: 50, edges: 48, startToRunningMs: toRunning },
      browser: {
        statsUpdates: updates.length,
        scriptMsPerUpdate: { p50: median(updates), p95: quantile(updates, 0.95), max: Math.max(...updates) },
        mainThreadMsPerSecond: { tasks: taskSecondsPerSec * 1000, script: scriptSecondsPerSec * 1000 },
        firstContentfulPaintMs: fcp,
        firstLiveNumbersMs: firstNumbersMs,
      },
      server: { views0: idle, views20: twenty, cpuCoresPer20Views: twenty.cpuCores - idle.cpuCores, rssMbPer20Views: twenty.rssMb - idle.rssMb },
      windowSeconds: seconds,
    };
    mkdirSync(path.join(REPO_ROOT, "bench", "results"), { recursive: true });
    writeFileSync(path.join(REPO_ROOT, "bench", "results", "console.json"), JSON.stringify(result, null, 2) + "\n");
    const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "—");
    console.log(`console bench — ${result.machine.cpus} cores, load ${result.machine.loadAverage.join(" ")}, ${seconds} s windows`);
    console.log(`  50-component pipeline: run to RUNNING in ${f(toRunning / 1000)} s`);
    console.log(`  browser: ${updates.length} live updates; script per update p50 ${f(result.browser.scriptMsPerUpdate.p50, 2)} ms, p95 ${f(result.browser.scriptMsPerUpdate.p95, 2)} ms, max ${f(result.browser.scriptMsPerUpdate.max, 2)} ms`);
    console.log(`           main thread busy ${f(result.browser.mainThreadMsPerSecond.tasks)} ms per second (script ${f(result.browser.mainThreadMsPerSecond.script)} ms), charts included`);
    console.log(`           first contentful paint ${f(fcp, 0)} ms, first live numbers ${firstNumbersMs} ms after navigation`);
    console.log(`  server: 0 views ${f(idle.cpuCores, 3)} cores / ${f(idle.rssMb, 0)} MB RSS; 20 views ${f(twenty.cpuCores, 3)} cores / ${f(twenty.rssMb, 0)} MB RSS`);
  } catch (err) {
    process.stderr.write(`console output:\n${out.slice(-6000)}\n`);
    throw err;
  } finally {
    await browser.close();
    child.kill("SIGINT");
    await new Promise((r) => child.once("close", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
