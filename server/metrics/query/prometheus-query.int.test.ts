/**
 * The Prometheus backend of MetricsQuery against a real `prometheus` (Debian package) started on a
 * temp dir and a free port, discovering a test exporter through the same `file_sd` JSON that
 * observeRun writes. The embedded backend, fed by our scraper from the same exporter, must agree.
 * CI installs prometheus and fails without it; elsewhere the test is skipped when it is missing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Counter, Histogram, Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileSdGroups, writeFileSd } from "../file-sd";
import { startMetricsHttp, type MetricsHttpServer } from "../metrics-http";
import { ScrapeLoop } from "../scrape-loop";
import { SeriesStore } from "../series-store";
import { EmbeddedMetricsQuery } from "./embedded-query";
import { PrometheusMetricsQuery } from "./prometheus-query";
import type { Expr } from "./query-types";
import { freePort, waitFor } from "../test-support/prometheus-process";

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
const available = existsSync(PROMETHEUS);
if (!available && process.env.CI === "true") throw new Error(`prometheus not found at ${PROMETHEUS}: CI must install the prometheus package`);

describe.skipIf(!available)("PrometheusMetricsQuery against a real prometheus", () => {
  let dir: string;
  let prom: ChildProcess | undefined;
  let exporter: MetricsHttpServer;
  let q: PrometheusMetricsQuery;
  let promLog = "";
  const started = Date.now();
  const store = new SeriesStore();
  const scrape = new AbortController();
  let loop: Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-prom-"));
    const registry = new Registry();
    // Exactly 10 events per wall-clock second, whenever it is scraped: both backends must see rate 10.
    new Counter({
      name: "component_events_processed_total",
      help: "Events processed.",
      labelNames: ["component_id"],
      registers: [registry],
      collect() {
        this.reset();
        this.labels("sink-1").inc(((Date.now() - started) / 1000) * 10);
      },
    });
    const h = new Histogram({ name: "component_processing_duration_seconds", help: "Time per event.", labelNames: ["component_id"], buckets: [0.1, 0.2, 0.5, 1], registers: [registry] });
    // 10 observations in each of (0,0.1], (0.1,0.2], (0.2,0.5], (0.5,1]: p50 = 0.2; p90: rank 36 is 6/10 into (0.5,1] = 0.8.
    for (const v of [0.05, 0.15, 0.3, 0.7]) for (let i = 0; i < 10; i++) h.labels("sink-1").observe(v);
    exporter = await startMetricsHttp({ registry });

    const sdFile = path.join(dir, "targets.json");
    await writeFileSd(
      sdFile,
      fileSdGroups({ pipeline: "p", runId: "r1", components: [{ id: "sink", role: "sink", instances: [{ instanceId: "sink-1", metricsPort: exporter.port }] }] }),
    );
    writeFileSync(
      path.join(dir, "prometheus.yml"),
      ["global:", "  scrape_interval: 1s", "  scrape_timeout: 800ms", "scrape_configs:", "  - job_name: flowctl-components", "    file_sd_configs:", `      - files: ["${sdFile}"]`, "        refresh_interval: 1s", ""].join("\n"),
    );
    const port = await freePort();
    prom = spawn(
      PROMETHEUS,
      [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    prom.stderr!.on("data", (b: Buffer) => (promLog = (promLog + b.toString()).slice(-4000)));
    q = new PrometheusMetricsQuery({ url: `http://127.0.0.1:${port}`, timeoutMs: 5_000 });
    const scraper = new ScrapeLoop({ store, intervalMs: 1000, targets: () => [{ job: "flowctl-component", instance: "sink-1", url: exporter.url }] });
    loop = scraper.run(scrape.signal);
    // Ready once Prometheus holds 7 s of samples: enough for a 5 s rate one second in the past.
    await waitFor(`prometheus to scrape the exporter (log: ${promLog})`, async () => {
      const end = Date.now();
      const [r] = await q.range({ kind: "selector", name: "component_events_processed_total" }, { startMs: end - 7000, endMs: end, stepMs: 1000 });
      return r && r.points.length >= 8 ? r : undefined;
    });
  });

  afterAll(async () => {
    scrape.abort();
    await loop;
    if (prom && prom.exitCode === null) {
      const exited = new Promise((r) => prom!.once("exit", r));
      prom.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (prom.exitCode === null) prom.kill("SIGKILL");
    }
    await exporter?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("returns instant vectors with the file_sd target labels and without __name__", async () => {
    const [s] = await q.instant({ kind: "selector", name: "component_events_processed_total" }, Date.now());
    expect(s!.labels).toMatchObject({ component_id: "sink-1", job: "flowctl-component", flowctl_component: "sink", flowctl_instance: "sink-1", pipeline: "p", run_id: "r1" });
    expect(s!.labels).not.toHaveProperty("__name__");
    expect(s!.value).toBeGreaterThan(0);
  });

  it("agrees with the embedded backend on rate and histogram_quantile", async () => {
    const at = Date.now() - 1000;
    const embedded = new EmbeddedMetricsQuery(store);
    const rate: Expr = { kind: "sum", by: ["component_id"], expr: { kind: "rate", name: "component_events_processed_total", windowMs: 5_000 } };
    const [pr] = await q.instant(rate, at);
    const [em] = await embedded.instant(rate, at);
    expect(pr!.value).toBeCloseTo(10, 0);
    expect(em!.value).toBeCloseTo(10, 0);
    for (const [qv, expected] of [
      [0.5, 0.2],
      [0.9, 0.8],
    ] as const) {
      const quantile: Expr = { kind: "histogram_quantile", q: qv, expr: { kind: "sum", by: ["le"], expr: { kind: "selector", name: "component_processing_duration_seconds_bucket" } } };
      const [p] = await q.instant(quantile, at);
      const [e] = await embedded.instant(quantile, at);
      expect(p!.value).toBeCloseTo(expected, 10);
      expect(e!.value).toBeCloseTo(expected, 10);
    }
  });

  it("answers range queries step by step", async () => {
    const end = Date.now() - 1000;
    const [series] = await q.range({ kind: "selector", name: "component_events_processed_total" }, { startMs: end - 4000, endMs: end, stepMs: 1000 });
    expect(series!.points).toHaveLength(5);
    const values = series!.points.map(([, v]) => v);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
  });

  it("surfaces Prometheus' own error for a bad query", async () => {
    await expect(q.instant({ kind: "selector", name: "1bad" }, Date.now())).rejects.toThrow(/prometheus bad_data/);
  });

  it("reports an unreachable Prometheus as an operational error", async () => {
    const dead = new PrometheusMetricsQuery({ url: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2_000 });
    await expect(dead.instant({ kind: "selector", name: "up" }, Date.now())).rejects.toThrow(/prometheus query to .* failed/);
  });
});
