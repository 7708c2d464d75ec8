import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Histogram, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createEngineMetrics } from "./engine-metrics";
import { startMetricsHttp, type MetricsHttpServer } from "./metrics-http";
import { EmbeddedMetricsQuery } from "./query/embedded-query";
import { ScrapeLoop } from "./scrape-loop";
import { SeriesStore } from "./series-store";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((c) => c()));
});

function componentRegistry(id: string) {
  const registry = new Registry();
  const events = new Counter({ name: "component_events_processed_total", help: "Events processed.", labelNames: ["component_id"], registers: [registry] });
  const duration = new Histogram({
    name: "component_processing_duration_seconds",
    help: "Processing time.",
    labelNames: ["component_id"],
    buckets: [0.001, 0.01, 0.1],
    registers: [registry],
  });
  return { registry, events: events.labels(id), duration: duration.labels(id) };
}

async function serve(registry: Registry, port = 0): Promise<MetricsHttpServer> {
  const s = await startMetricsHttp({ registry, port });
  cleanups.push(() => s.close());
  return s;
}

/** A clock the test advances: one scrape round per simulated second. */
function fakeClock(start = 1_800_000_000_000) {
  let t = start;
  return { now: () => t, tick: (ms = 1000) => (t += ms) };
}

describe("ScrapeLoop against real HTTP exporters", () => {
  it("scrapes targets in parallel into the store with job/instance labels and up = 1", async () => {
    const a = componentRegistry("a");
    a.events.inc(5);
    a.duration.observe(0.005);
    const srv = await serve(a.registry);
    const engine = createEngineMetrics({ defaultMetrics: false });
    engine.edgeEvents.labels("p", "a", "b").inc(3);
    const store = new SeriesStore();
    const clock = fakeClock();
    const loop = new ScrapeLoop({
      store,
      now: clock.now,
      targets: () => [{ job: "flowctl-component", instance: "a", url: srv.url, labels: { pipeline: "p" } }],
      local: () => [{ job: "flowctl-engine", instance: "engine", collect: () => engine.registry.metrics() }],
    });
    const results = await loop.scrapeOnce();
    expect(results.map((r) => [r.instance, r.up])).toEqual([
      ["a", true],
      ["engine", true],
    ]);
    const [ev] = store.select("component_events_processed_total");
    expect(ev!.labels).toEqual({ component_id: "a", job: "flowctl-component", instance: "a", pipeline: "p" });
    expect(ev!.valueAt(0)).toBe(5);
    expect(store.select("component_processing_duration_seconds_bucket", { le: "0.01" })[0]!.valueAt(0)).toBe(1);
    expect(store.select("component_processing_duration_seconds_bucket", { le: "+Inf" })).toHaveLength(1);
    expect(store.select("flowctl_edge_events_total", { from: "a", to: "b" })[0]!.valueAt(0)).toBe(3);
    expect(store.select("up").map((s) => s.valueAt(0))).toEqual([1, 1]);
  });

  it("records a vanished component as up = 0, recovers when it restarts, and rate survives the counter reset", async () => {
    let comp = componentRegistry("a");
    const first = await serve(comp.registry);
    const port = first.port;
    const store = new SeriesStore();
    const clock = fakeClock();
    const loop = new ScrapeLoop({ store, now: clock.now, targets: () => [{ job: "c", instance: "a", url: first.url }] });
    for (let i = 0; i < 5; i++) {
      comp.events.inc(10);
      await loop.scrapeOnce();
      clock.tick();
    }
    await first.close();
    const down = await loop.scrapeOnce();
    clock.tick();
    expect(down[0]!.up).toBe(false);
    expect(down[0]!.error).toMatch(/ECONNREFUSED|fetch failed/);
    // The component restarts on the same port with fresh (zeroed) counters.
    comp = componentRegistry("a");
    await serve(comp.registry, port);
    for (let i = 0; i < 5; i++) {
      comp.events.inc(10);
      await loop.scrapeOnce();
      clock.tick();
    }
    const up = store.select("up", { instance: "a" })[0]!;
    const ups = Array.from({ length: up.length }, (_, i) => up.valueAt(i));
    expect(ups).toEqual([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1]);
    const q = new EmbeddedMetricsQuery(store);
    const [inc] = await q.instant({ kind: "increase", name: "component_events_processed_total", windowMs: 11_000 }, clock.now());
    // 10 events per round over 10 successful rounds, across the reset.
    expect(inc!.value).toBeGreaterThan(90);
    expect(inc!.value).toBeLessThan(115);
  });

  it("times out a hanging target without delaying the others", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const hang: Server = createServer(() => {
      /* never answers: the scraper's timeout must fire */
    });
    hang.on("connection", (s) => sockets.add(s));
    await new Promise<void>((r) => hang.listen(0, "127.0.0.1", r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          hang.close(() => r());
        }),
    );
    const good = componentRegistry("g");
    const srv = await serve(good.registry);
    const store = new SeriesStore();
    const loop = new ScrapeLoop({
      store,
      intervalMs: 1000,
      timeoutMs: 200,
      targets: () => [
        { job: "c", instance: "hang", url: `http://127.0.0.1:${(hang.address() as AddressInfo).port}/metrics` },
        { job: "c", instance: "g", url: srv.url },
      ],
    });
    const results = await loop.scrapeOnce();
    const byInstance = Object.fromEntries(results.map((r) => [r.instance, r]));
    expect(byInstance.hang).toMatchObject({ up: false, error: "timeout after 200 ms" });
    expect(byInstance.g!.up).toBe(true);
    expect(loop.getDebugState().lastErrors).toEqual({ "c/hang": "timeout after 200 ms" });
  });

  it("marks malformed exposition and HTTP errors as failed scrapes", async () => {
    const bad = createServer((req, res) => {
      if (req.url === "/metrics") res.writeHead(200, { "content-type": "text/plain" }).end("this is {not prometheus\n");
      else res.writeHead(500).end();
    });
    await new Promise<void>((r) => bad.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => bad.close(() => r())));
    const port = (bad.address() as AddressInfo).port;
    const loop = new ScrapeLoop({
      store: new SeriesStore(),
      targets: () => [
        { job: "c", instance: "garbage", url: `http://127.0.0.1:${port}/metrics` },
        { job: "c", instance: "500", url: `http://127.0.0.1:${port}/other` },
      ],
    });
    const results = await loop.scrapeOnce();
    expect(results.every((r) => !r.up)).toBe(true);
    expect(results.find((r) => r.instance === "500")!.error).toBe("HTTP 500");
  });

  it("keeps heartbeat metrics for components without /metrics", async () => {
    const store = new SeriesStore();
    const clock = fakeClock();
    const loop = new ScrapeLoop({
      store,
      now: clock.now,
      targets: () => [],
      heartbeats: () => [{ componentId: "foreign", healthy: true, lastHeartbeatMs: clock.now() - 4000, metrics: { processed_count: "42", orchestrator: "process" } }],
    });
    await loop.scrapeOnce();
    expect(store.select("flowctl_component_heartbeat_metric", { key: "processed_count" })[0]!.valueAt(0)).toBe(42);
    expect(store.select("flowctl_component_heartbeat_metric", { key: "orchestrator" })).toHaveLength(0);
    expect(store.select("flowctl_component_heartbeat_age_seconds")[0]!.valueAt(0)).toBe(4);
  });

  it("runs on its interval until aborted and then reports stopped", async () => {
    const reg = componentRegistry("a");
    const srv = await serve(reg.registry);
    const loop = new ScrapeLoop({ store: new SeriesStore(), intervalMs: 20, targets: () => [{ job: "c", instance: "a", url: srv.url }] });
    const ac = new AbortController();
    const rounds: number[] = [];
    const running = loop.run(ac.signal, (results) => {
      rounds.push(results.length);
      if (rounds.length === 3) ac.abort();
    });
    expect(loop.state).toBe("running");
    await running;
    expect(loop.state).toBe("stopped");
    expect(rounds).toEqual([1, 1, 1]);
    await expect(loop.run(new AbortController().signal)).rejects.toThrow(/illegal/);
  });
});
