import { describe, expect, it } from "vitest";
import type { MetricWindow } from "../diagnosis/diagnosis-types";
import type { ComponentSummary, RunTopology } from "../engine/run-types";
import { toLiveStats } from "./live-stats";

const inst = (instanceId: string, status: string, restarts = 0) => ({ instanceId, pid: 1, endpoint: "x", metricsPort: 1, status, restarts, wire: "batch" as const, logFile: "f" });
const topology: RunTopology = {
  pipeline: "p",
  runId: "r",
  controlPlaneEndpoint: "cp",
  components: [
    { id: "gen", role: "source", replicas: 1, instances: [inst("gen", "running")] },
    { id: "work", role: "processor", replicas: 2, instances: [inst("work-0", "running"), inst("work-1", "restarting", 2)] },
    { id: "out", role: "sink", replicas: 1, instances: [inst("out", "running")] },
  ],
  edges: [
    { from: "gen", to: "work", capacity: 100, policy: "block" },
    { from: "work", to: "out", capacity: 200, policy: "drop_oldest" },
  ],
};
const win = (id: string, inRate: number | null, outRate: number | null, busy: number | null) => ({ id, role: "processor" as const, inRate, outRate, p50Ms: 1, p95Ms: 2, p99Ms: 3, errors: 0, busy, idle: null, backpressured: null });
const window: MetricWindow = {
  pipeline: "p",
  from: 0,
  to: 5000,
  components: [win("gen", null, 100, 0.1), win("work", 100, 100, 0.9), win("out", 80, 80, 0.4)],
  edges: [
    { from: "gen", to: "work", rate: 100, blocked: 0.5, queueDepth: 90, queueCapacity: 100, avgFill: 0.9, dropped: 0 },
    { from: "work", to: "out", rate: 80, blocked: 0, queueDepth: 500, queueCapacity: 200, avgFill: 1, dropped: 7 },
  ],
};
const counter = (id: string, role: "source" | "processor" | "sink", eventsIn: number, dropped = 0): ComponentSummary =>
  ({ id, role, eventsIn, eventsOut: 0, bytesIn: 0, bytesOut: 0, processingTimeMs: 0, errors: 0, restarts: 0, lost: 0, redelivered: 0, dropped, instances: {}, queueDepth: 0, queuePeakDepth: 0, filtered: 0, rejected: 0, streamErrors: 0 }) as ComponentSummary;

describe("toLiveStats", () => {
  const stats = toLiveStats({
    runId: "r",
    at: 5000,
    state: "running",
    topology,
    counters: [counter("gen", "source", 0), counter("work", "processor", 1000), counter("out", "sink", 900, 7)],
    window,
    instanceRates: new Map([["work-0", 70], ["work-1", 30]]),
    instanceBusy: new Map([["work-0", 0.95]]),
    health: new Map([["gen", "HEALTHY"], ["work-0", "HEALTHY"], ["work-1", "UNHEALTHY"], ["out", "HEALTHY"]]),
  });

  it("takes rates, latencies and busy shares from the diagnosis window", () => {
    expect(stats.components.find((c) => c.id === "work")).toMatchObject({ inRate: 100, outRate: 100, p95Ms: 2, busy: 0.9 });
  });

  it("shows the worst instance's state and health on a component with replicas, and each instance apart", () => {
    const work = stats.components.find((c) => c.id === "work")!;
    expect(work.status).toBe("restarting");
    expect(work.health).toBe("UNHEALTHY");
    expect(work.restarts).toBe(2);
    expect(work.instances).toEqual([
      { id: "work-0", status: "running", restarts: 0, rate: 70, busy: 0.95 },
      { id: "work-1", status: "restarting", restarts: 2, rate: 30, busy: null },
    ]);
  });

  it("gives each edge its fill against capacity (capped at 1) and the receiver's drops", () => {
    expect(stats.edges).toEqual([
      { from: "gen", to: "work", rate: 100, depth: 90, capacity: 100, fill: 0.9, blocked: 0.5, dropped: 0 },
      { from: "work", to: "out", rate: 80, depth: 500, capacity: 200, fill: 1, blocked: 0, dropped: 7 },
    ]);
  });

  it("sums the sinks' rate and their delivered events", () => {
    expect(stats.sinkRate).toBe(80);
    expect(stats.eventsProcessed).toBe(900);
  });
});
