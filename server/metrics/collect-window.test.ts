import { describe, expect, it } from "vitest";
import { collectMetricWindow, instanceResolver, type WindowTopology } from "./collect-window";
import { EmbeddedMetricsQuery } from "./query/embedded-query";
import { loadRollups, rollupPoints } from "./rollups";
import { SeriesStore } from "./series-store";

const T0 = 1_800_000_000_000;
const topology: WindowTopology = {
  pipeline: "p",
  components: [
    { id: "gen", role: "source", replicas: 1, instances: [{ instanceId: "gen" }] },
    { id: "sink", role: "sink", replicas: 2, instances: [{ instanceId: "sink-1" }, { instanceId: "sink-2" }] },
  ],
  edges: [{ from: "gen", to: "sink", capacity: 100 }],
};

/** 11 scrapes, 1 s apart: gen blocked 90 %, both sink replicas busy 80 % at 25 events/s each. */
function recordedStore(): SeriesStore {
  const s = new SeriesStore();
  for (let i = 0; i <= 10; i++) {
    const t = T0 + i * 1000;
    const c = (name: string, id: string, perSec: number) => s.append(name, { component_id: id, instance: id, job: "flowctl-component", pipeline: "p" }, t, i * perSec);
    c("component_events_emitted_total", "gen", 50);
    c("component_backpressured_seconds_total", "gen", 0.9);
    c("component_busy_seconds_total", "gen", 0.05);
    for (const id of ["sink-1", "sink-2"]) {
      c("component_events_received_total", id, 25);
      c("component_events_processed_total", id, 25);
      c("component_busy_seconds_total", id, 0.8);
      c("component_backpressured_seconds_total", id, 0);
      // 25 observations/s, all within (0.01, 0.025]: p50 interpolates to 0.0175 s.
      for (const [le, n] of [["0.01", 0], ["0.025", 25], ["+Inf", 25]] as const) s.append("component_processing_duration_seconds_bucket", { component_id: id, le, pipeline: "p" }, t, i * n);
      s.append("up", { job: "flowctl-component", instance: id, pipeline: "p" }, t, id === "sink-2" && i % 2 === 0 ? 0 : 1);
    }
    const edge = { pipeline: "p", from: "gen", to: "sink", job: "flowctl-engine", instance: "engine" };
    s.append("flowctl_edge_events_total", edge, t, i * 50);
    s.append("flowctl_edge_blocked_seconds_total", edge, t, i * 0.9);
    s.append("flowctl_edge_queue_depth", edge, t, 50 + i * 5);
    s.append("flowctl_edge_queue_capacity", edge, t, 100);
    s.append("flowctl_component_up", { pipeline: "p", component_id: "sink-2" }, t, 1);
    s.append("nodejs_heap_size_total_bytes", {}, t, 1e6);
    // GC pauses: the SDK's Node metric per replica (by kind), and a Go runtime's with only the
    // scrape target's instance label (a foreign component).
    for (const [id, kind, perSec] of [["sink-1", "minor", 0.2], ["sink-1", "major", 0.1], ["sink-2", "minor", 0.1]] as const) {
      s.append("nodejs_gc_duration_seconds_sum", { component_id: id, kind, instance: id, job: "flowctl-component", pipeline: "p" }, t, i * perSec);
    }
    s.append("go_gc_duration_seconds_sum", { instance: "gen", job: "flowctl-component", pipeline: "p" }, t, i * 0.05);
    // CPU: each component process uses 0.5 core, the engine 0.3 (another pipeline's 2 cores excluded).
    for (const id of ["gen", "sink-1", "sink-2"]) s.append("process_cpu_seconds_total", { component_id: id, pipeline: "p" }, t, i * 0.5);
    s.append("process_cpu_seconds_total", { component_id: "x", pipeline: "other" }, t, i * 2);
    s.append("flowctl_engine_process_cpu_seconds_total", { job: "flowctl-engine", instance: "engine" }, t, i * 0.3);
    s.append("flowctl_host_cpu_busy_seconds_total", { job: "flowctl-engine", instance: "engine" }, t, i * 3.5);
    s.append("flowctl_host_cpus", { job: "flowctl-engine", instance: "engine" }, t, 4);
    // Another pipeline's component with the same id must not leak into this window.
    s.append("component_busy_seconds_total", { component_id: "sink-1", instance: "sink-1", job: "flowctl-component", pipeline: "other" }, t, 0);
  }
  return s;
}

describe("collectMetricWindow", () => {
  it("folds replicas into their component and reads rates, fractions, quantiles and edges", async () => {
    const w = await collectMetricWindow(new EmbeddedMetricsQuery(recordedStore()), topology, { atMs: T0 + 10_000, windowMs: 10_000 });
    expect(w).toMatchObject({ pipeline: "p", from: T0, to: T0 + 10_000 });
    const [gen, sink] = w.components;
    expect(gen!.outRate).toBeCloseTo(50, 6);
    expect(gen!.inRate).toBeNull();
    expect(gen!.backpressured).toBeCloseTo(0.9, 6);
    expect(sink!.replicas).toBe(2);
    expect(sink!.inRate).toBeCloseTo(50, 6);
    expect(sink!.outRate).toBeCloseTo(50, 6);
    expect(sink!.busy).toBeCloseTo(0.8, 6);
    expect(sink!.p50Ms).toBeCloseTo(17.5, 6);
    // (0.3 + 0.1) / 2 replicas; the Go component found by its instance label.
    expect(sink!.gc).toBeCloseTo(0.2, 6);
    expect(gen!.gc).toBeCloseTo(0.05, 6);
    expect(sink!.up).toBe(true);
    // The window is (T0, T0+10 s]: sink-1 answered all 10 scrapes in it, sink-2 five → (1 + 0.5) / 2.
    expect(sink!.metricsAvailability).toBeCloseTo(0.75, 6);
    const [edge] = w.edges;
    expect(edge).toMatchObject({ from: "gen", to: "sink", queueDepth: 100, queueCapacity: 100, dropped: null });
    expect(edge!.rate).toBeCloseTo(50, 6);
    expect(edge!.blocked).toBeCloseTo(0.9, 6);
    expect(edge!.avgFill).toBeCloseTo(0.775, 6);
    expect(edge!.depthSamples!.length).toBe(11);
    expect(w.host!.cpuUsedCores).toBeCloseTo(1.8, 6);
    expect(w.host!.hostBusyCores).toBeCloseTo(3.5, 6);
    expect(w.host!.cpuCount).toBe(4);
  });

  it("reports the host's cores, and null CPU use when no process metrics were scraped", async () => {
    const w = await collectMetricWindow(new EmbeddedMetricsQuery(new SeriesStore()), topology, { atMs: T0, windowMs: 10_000, cpuCount: 4 });
    expect(w.host).toEqual({ cpuCount: 4, cpuUsedCores: null });
  });

  it("resolves replica instance ids to their component", () => {
    const resolve = instanceResolver(topology);
    expect(resolve("sink-2")).toBe("sink");
    expect(resolve("gen")).toBe("gen");
    expect(resolve("sink-9")).toBe("sink");
    expect(resolve("other")).toBeUndefined();
  });
});

describe("rollups", () => {
  it("keeps each series' last value per 10 s bucket, skips Node defaults but GC time, and replays into rates", async () => {
    const live = recordedStore();
    const points = rollupPoints(live, { afterMs: T0, untilMs: T0 + 10_000 });
    expect(points.some((p) => p.name === "nodejs_heap_size_total_bytes")).toBe(false);
    expect(points.some((p) => p.name === "nodejs_gc_duration_seconds_sum")).toBe(true);
    const busy = points.find((p) => p.name === "component_busy_seconds_total" && p.labels.component_id === "sink-1")!;
    expect(busy.value).toBeCloseTo(8, 10);
    expect(busy.t.getTime()).toBe(T0 + 10_000);
    // Earlier bucket, then replay both into a fresh store: the rate survives at 10 s resolution.
    const earlier = rollupPoints(live, { afterMs: T0 - 9000, untilMs: T0 + 1000 });
    const replay = new SeriesStore();
    loadRollups(replay, [...points, ...earlier]);
    const [r] = await new EmbeddedMetricsQuery(replay).instant(
      { kind: "rate", name: "component_busy_seconds_total", matchers: { component_id: "sink-1" }, windowMs: 30_000 },
      T0 + 10_000,
    );
    expect(r!.value).toBeGreaterThan(0.25);
  });

  it("stamps each point when it was scraped, so a short stored window reads the true rate", async () => {
    // A counter at 2,000/s scraped every second, 300 ms after each whole second.
    const live = new SeriesStore();
    for (let i = 0; i <= 25; i++) live.append("component_events_emitted_total", { component_id: "gen", pipeline: "p" }, T0 + 300 + i * 1000, i * 2000);
    const points = [10_000, 20_000, 30_000].flatMap((b) => rollupPoints(live, { afterMs: T0 + b - 10_000, untilMs: T0 + b }));
    expect(points.map((p) => p.t.getTime() - T0)).toEqual([9300, 19_300, 25_300]);
    const replay = new SeriesStore();
    loadRollups(replay, points);
    const [r] = await new EmbeddedMetricsQuery(replay).instant({ kind: "rate", name: "component_events_emitted_total", matchers: {}, windowMs: 16_001 }, T0 + 25_300);
    expect(r!.value).toBeCloseTo(2000, 0);
    // An empty bucket adds nothing: no repeated point for a series that was not scraped again.
    expect(rollupPoints(live, { afterMs: T0 + 25_300, untilMs: T0 + 30_000 })).toEqual([]);
  });
});
