import { describe, expect, it } from "vitest";
import type { DiagnosisReport, LiveRunStats } from "@/server/services/api-types";
import { createLiveStore } from "./live-store";

const frame = (rate: number): LiveRunStats => ({
  runId: "r",
  at: 1,
  state: "running",
  sinkRate: rate,
  eventsProcessed: 0,
  components: [
    { id: "gen", role: "source", replicas: 1, status: "running", health: "HEALTHY", inRate: null, outRate: rate, p50Ms: null, p95Ms: null, p99Ms: null, busy: 0.1, idle: 0.9, backpressured: 0, restarts: 0, eventsIn: 0, eventsOut: 0, errors: 0, instances: [] },
  ],
  edges: [{ from: "gen", to: "sink", rate, depth: 10, capacity: 100, fill: 0.1, blocked: 0, dropped: 0 }],
});

const report = (component: string | null): DiagnosisReport => ({
  pipeline: "p",
  window: { from: "", to: "" },
  bottleneck: component ? { kind: "component", component, edge: null, reason: "", evidence: [], recommendations: [] } : null,
  components: [],
  findings: [],
});

describe("live store", () => {
  it("serves each component and edge by id from the latest frame and notifies subscribers", () => {
    const s = createLiveStore();
    let calls = 0;
    s.subscribe(() => calls++);
    s.setStats(frame(5));
    expect(s.component("gen")?.outRate).toBe(5);
    expect(s.edge("gen", "sink")?.fill).toBe(0.1);
    expect(s.component("nope")).toBeUndefined();
    expect(calls).toBe(1);
  });

  it("keeps the same bottleneck object while the verdict does not change", () => {
    const s = createLiveStore();
    s.setReport(report("db"));
    const first = s.bottleneck();
    s.setReport(report("db"));
    expect(s.bottleneck()).toBe(first);
    expect(first).toEqual({ kind: "component", id: "db" });
    s.setReport(report(null));
    expect(s.bottleneck()).toBeNull();
  });
});
