/**
 * A real Prometheus (Debian package) discovers the engine and a component through our `http_sd`
 * JSON, served over HTTP as the console serves it, and scrapes both with the labels we set.
 * Skipped when prometheus is not installed; CI installs it and fails without it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTTP_SD_CONTENT_TYPE, httpSdTargets } from "./http-sd";
import { startMetricsHttp, type MetricsHttpServer } from "./metrics-http";
import { prometheusAvailable, startPrometheus, waitFor, type PrometheusProcess } from "./test-support/prometheus-process";

interface ActiveTarget {
  labels: Record<string, string>;
  health: string;
}

describe.skipIf(!prometheusAvailable())("http_sd targets with a real Prometheus", () => {
  let engine: MetricsHttpServer;
  let component: MetricsHttpServer;
  let sd: Server;
  let prom: PrometheusProcess;

  beforeAll(async () => {
    const engineRegistry = new Registry();
    new Gauge({ name: "flowctl_registered_components", help: "Registered components.", registers: [engineRegistry] }).set(2);
    const componentRegistry = new Registry();
    new Counter({ name: "component_events_processed_total", help: "Events processed.", labelNames: ["component_id"], registers: [componentRegistry] }).labels("gen").inc(5);
    engine = await startMetricsHttp({ registry: engineRegistry });
    component = await startMetricsHttp({ registry: componentRegistry });
    const topology = { pipeline: "orders", runId: "r1", components: [{ id: "gen", role: "source", instances: [{ instanceId: "gen", metricsPort: component.port }] }] };
    sd = createServer((_req, res) => {
      res.writeHead(200, { "content-type": HTTP_SD_CONTENT_TYPE });
      res.end(JSON.stringify(httpSdTargets([topology], { address: `127.0.0.1:${engine.port}` })));
    });
    await new Promise<void>((r) => sd.listen(0, "127.0.0.1", r));
    const sdUrl = `http://127.0.0.1:${(sd.address() as AddressInfo).port}/api/prometheus/targets`;
    prom = await startPrometheus({
      config: [
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 800ms",
        "scrape_configs:",
        "  - job_name: flowctl",
        "    http_sd_configs:",
        `      - url: ${sdUrl}`,
        "        refresh_interval: 1s",
        "",
      ].join("\n"),
    });
  });

  afterAll(async () => {
    await prom?.stop();
    await new Promise((r) => sd?.close(r));
    await engine?.close();
    await component?.close();
  });

  it("discovers the engine and the component with their labels and scrapes both", async () => {
    const targets = await waitFor(`both targets up (log: ${prom.log()})`, async () => {
      const r = (await (await fetch(`${prom.url}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: ActiveTarget[] } };
      const active = r.data.activeTargets;
      return active.length === 2 && active.every((t) => t.health === "up") ? active : undefined;
    });
    const byJob = Object.fromEntries(targets.map((t) => [t.labels.job, t.labels]));
    expect(byJob["flowctl-engine"]).toMatchObject({ flowctl_role: "engine", instance: `127.0.0.1:${engine.port}` });
    expect(byJob["flowctl-component"]).toMatchObject({ pipeline: "orders", run_id: "r1", flowctl_component: "gen", flowctl_instance: "gen", flowctl_role: "source" });

    const scraped = await waitFor("the component's counter in Prometheus", async () => {
      const r = (await (await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent('component_events_processed_total{run_id="r1"}')}`)).json()) as {
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      return r.data.result[0];
    });
    expect(scraped.metric).toMatchObject({ job: "flowctl-component", flowctl_role: "source", component_id: "gen" });
    expect(scraped.value[1]).toBe("5");
  });
});
