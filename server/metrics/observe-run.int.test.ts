import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Counter, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../storage/store";
import { createEngineMetrics } from "./engine-metrics";
import { startMetricsHttp } from "./metrics-http";
import { observeRun, type ObservableRun } from "./observe-run";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A component exporter whose time counters say what fraction of wall time it is busy or
 * back-pressured, computed from the real clock at scrape time (as the SDK's TimeAccount does).
 */
function simulatedComponent(id: string, share: { busy: number; bp: number; rate: number }) {
  const registry = new Registry();
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const counter = (name: string, value: () => number) =>
    new Counter({
      name,
      help: name,
      labelNames: ["component_id"],
      registers: [registry],
      collect() {
        this.reset();
        this.labels(id).inc(value());
      },
    });
  counter("component_busy_seconds_total", () => elapsed() * share.busy);
  counter("component_backpressured_seconds_total", () => elapsed() * share.bp);
  counter("component_idle_seconds_total", () => elapsed() * (1 - share.busy - share.bp));
  counter("component_events_processed_total", () => elapsed() * share.rate);
  counter("component_events_received_total", () => elapsed() * share.rate);
  counter("component_events_emitted_total", () => elapsed() * share.rate);
  return registry;
}

describe("observeRun", () => {
  it("scrapes a live run, names the slow sink continuously, stores findings and rollups, writes file_sd", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-observe-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store: Store = await openStore({ databaseUrl: `file:${path.join(dir, "t.db")}` });
    cleanups.push(() => store.close());
    const run = await store.runs.create({ pipelineName: "slow", configYaml: "", componentIds: ["gen", "db"] });

    const gen = await startMetricsHttp({ registry: simulatedComponent("gen", { busy: 0.02, bp: 0.97, rate: 50 }) });
    const db = await startMetricsHttp({ registry: simulatedComponent("db", { busy: 0.99, bp: 0, rate: 50 }) });
    cleanups.push(() => gen.close(), () => db.close());
    const engine = createEngineMetrics({ defaultMetrics: false });
    engine.edgeQueueCapacity.labels("slow", "gen", "db").set(100);
    engine.edgeQueueDepth.labels("slow", "gen", "db").set(100);

    const handle: ObservableRun = {
      runId: run.runId,
      metrics: engine,
      topology: () => ({
        pipeline: "slow",
        runId: run.runId,
        components: [
          { id: "gen", role: "source", replicas: 1, instances: [{ instanceId: "gen", metricsPort: gen.port }] },
          { id: "db", role: "sink", replicas: 1, instances: [{ instanceId: "db", metricsPort: db.port }] },
        ],
        edges: [{ from: "gen", to: "db", capacity: 100 }],
      }),
    };
    const ac = new AbortController();
    const fileSdPath = path.join(dir, "sd", "targets.json");
    const observer = observeRun(handle, {
      signal: ac.signal,
      store,
      intervalMs: 200,
      // Generous: the machine may be busy with other suites, and a timed-out scrape is not what this tests.
      scrapeTimeoutMs: 2_000,
      windowMs: 2_000,
      diagnoseEveryMs: 400,
      fileSdPath,
    });
    cleanups.push(() => observer.stop());

    const report = await waitFor("the sink to be named", () => {
      const r = observer.latest();
      return r?.bottleneck?.component === "db" ? r : undefined;
    });
    expect(report.bottleneck!.kind).toBe("component");
    expect(report.components.find((c) => c.id === "gen")!.backpressured).toBeGreaterThan(0.9);
    const now = await observer.diagnoseNow();
    expect(now.bottleneck?.component).toBe("db");

    await observer.stop();
    expect(observer.loop.state).toBe("stopped");
    const events = await store.runs.listEvents(run.runId);
    const findings = events.filter((e) => e.type === "diagnosis.finding");
    expect(findings.some((e) => e.componentId === "db" && e.data?.code === "BOTTLENECK_COMPONENT" && e.data?.state === "raised")).toBe(true);
    const rollups = await store.metrics.listRollups(run.runId);
    expect(rollups.some((p) => p.name === "component_busy_seconds_total" && p.labels.component_id === "db")).toBe(true);
    expect(rollups.some((p) => p.name === "flowctl_edge_queue_depth")).toBe(true);
    expect(rollups.every((p) => !p.name.startsWith("nodejs_"))).toBe(true);

    const sd = JSON.parse(readFileSync(fileSdPath, "utf8"));
    expect(sd).toEqual([
      { targets: [`127.0.0.1:${gen.port}`], labels: expect.objectContaining({ job: "flowctl-component", flowctl_component: "gen", pipeline: "slow" }) },
      { targets: [`127.0.0.1:${db.port}`], labels: expect.objectContaining({ flowctl_component: "db", flowctl_role: "sink" }) },
    ]);
  });
});
