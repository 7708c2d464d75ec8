import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { diagnose } from "./diagnose";
import type { MetricWindow } from "./diagnosis-types";
import { fitLine } from "./linear-fit";

interface Fixture {
  description: string;
  expected: null | { kind: "component"; component: string } | { kind: "edge"; edge: { from: string; to: string } } | { kind: "host" };
  window: MetricWindow;
}

const dir = path.join(import.meta.dirname, "fixtures");
const fixtures = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f.replace(/\.json$/, ""), JSON.parse(readFileSync(path.join(dir, f), "utf8")) as Fixture]),
);

describe("diagnose on recorded metric windows", () => {
  it("has the fixtures the detector is specified by", () => {
    expect(Object.keys(fixtures).sort()).toEqual(
      [
        "batched-sink-filling",
        "cpu-bound-processor",
        "cpu-bound-blocked-metrics",
        "cpu-starved-processor",
        "diamond-slow-branch",
        "diamond-slow-join",
        "edge-transport",
        "fan-out-one-slow-sink",
        "foreign-slow-sink",
        "host-saturated",
        "linear-slow-sink",
        "queue-filling",
        "rate-limited-healthy",
        "unthrottled-source-keeps-up",
        "under-read-slow-sink",
        "undelivered-edge",
        "waiting-processor",
        "waiting-processor-4-replicas",
      ].sort(),
    );
  });

  for (const [name, fx] of Object.entries(fixtures)) {
    it(`${name}: ${fx.description}`, () => {
      const report = diagnose(fx.window);
      if (fx.expected === null) {
        expect(report.bottleneck).toBeNull();
        expect(report.findings.some((f) => f.code === "KEEPS_UP")).toBe(true);
        return;
      }
      expect(report.bottleneck).not.toBeNull();
      const b = report.bottleneck!;
      expect(b.kind).toBe(fx.expected.kind);
      if (fx.expected.kind === "host") {
        expect(b).toMatchObject({ component: null, edge: null, cpus: fx.window.host!.cpuCount });
        expect(report.findings[0]).toMatchObject({ severity: "critical", code: "BOTTLENECK_HOST" });
      } else if (fx.expected.kind === "component") {
        expect(b.component).toBe(fx.expected.component);
        expect(b.edge).toBeNull();
        expect(report.findings[0]).toMatchObject({ severity: "critical", code: "BOTTLENECK_COMPONENT", component: fx.expected.component });
      } else {
        expect(b.edge).toEqual(fx.expected.edge);
        expect(b.component).toBeNull();
        expect(report.findings[0]).toMatchObject({ severity: "critical", code: "BOTTLENECK_EDGE" });
      }
      expect(b.evidence.length).toBeGreaterThan(1);
      expect(b.recommendations.length).toBeGreaterThan(2);
    });
  }

  it("reports the JSON shape of `flowctl diagnose --json`", () => {
    const r = diagnose(fixtures["linear-slow-sink"]!.window);
    expect(Object.keys(r).sort()).toEqual(["bottleneck", "components", "findings", "pipeline", "window"]);
    expect(r.window).toEqual({ from: "2025-11-27T13:26:40.000Z", to: "2025-11-27T13:26:50.000Z" });
    expect(Object.keys(r.bottleneck!).sort()).toEqual(["component", "edge", "estimates", "evidence", "kind", "reason", "recommendations"]);
    for (const c of r.components) {
      expect(Object.keys(c).sort()).toEqual(
        ["backpressured", "bound", "busy", "cpuCores", "errors", "id", "inRate", "outRate", "p50Ms", "p95Ms", "p99Ms", "queueCapacity", "queueDepth", "role"].sort(),
      );
    }
    const db = r.components.find((c) => c.id === "db")!;
    expect(db).toMatchObject({ busy: 0.99, backpressured: 0, queueDepth: 1000, queueCapacity: 1000, p50Ms: 10.1 });
  });

  it("recommends sink remedies from the tuning guide and estimates replica throughput", () => {
    const b = diagnose(fixtures["linear-slow-sink"]!.window).bottleneck!;
    expect(b.recommendations.join("\n")).toMatch(/batch writes in db: set `batch: \{ size: 500, flush_interval_ms: 200 \}` on db/);
    expect(b.recommendations.join("\n")).toMatch(/write concurrently/);
    // 99 events/s at 99 % busy → 100/s per replica → 200/s with 2 replicas.
    expect(b.recommendations).toContain("estimate: with 2 replicas ≈ 200 events/s (100 events/s per replica at 100 % busy; upstream limits still apply)");
  });

  it("does not promise replica throughput a saturated host cannot give", () => {
    const base = fixtures["cpu-bound-processor"]!.window;
    const roomy = diagnose({ ...base, host: { cpuCount: 8, cpuUsedCores: 1.5 } }).bottleneck!;
    expect(roomy.recommendations[0]).toMatch(/replicas: 2/);
    expect(roomy.recommendations.join("\n")).not.toMatch(/saturated|more cores/);
    expect(roomy.evidence).toContain("host CPU: 1.5 of 8 cores in use by the pipeline");
    const full = diagnose({ ...base, host: { cpuCount: 2, cpuUsedCores: 1.96 } }).bottleneck!;
    expect(full.recommendations[0]).toMatch(/^the host is saturated: 2\.0 of its 2 cores are busy, the pipeline's processes using 2\.0, so more replicas/);
    expect(full.recommendations.filter((r) => r.startsWith("estimate:")).every((r) => /no gain to expect on this host — they need ~\d+\.\d more cores and this host has 0\.0\d? of 2 idle/.test(r))).toBe(true);
    expect(full.estimates!.every((e) => e.cappedByHost)).toBe(true);
    // Other work on the host counts too: the pipeline uses 1 core, the host is busy on 1.9.
    const shared = diagnose({ ...base, host: { cpuCount: 2, cpuUsedCores: 1, hostBusyCores: 1.9 } }).bottleneck!;
    expect(shared.recommendations[0]).toMatch(/^the host is saturated: 1\.9 of its 2 cores are busy, the pipeline's processes using 1\.0 \(other work on the host: 0\.9\)/);
    expect(shared.evidence).toContain("host CPU: 1.0 of 2 cores in use by the pipeline, 1.9 busy in all");
  });

  it("recommends parallelism for a CPU-bound processor and names the idle sibling as not the limit on fan-out", () => {
    const cpu = diagnose(fixtures["cpu-bound-processor"]!.window).bottleneck!;
    expect(cpu.recommendations[0]).toMatch(/replicas: 2/);
    const fan = diagnose(fixtures["fan-out-one-slow-sink"]!.window).bottleneck!;
    expect(fan.evidence.join("\n")).toMatch(/sibling fast \(also fed by gen\) busy 1 % \(not the limit\)/);
  });

  it("recommends batching and queue capacity for an edge bottleneck", () => {
    const b = diagnose(fixtures["edge-transport"]!.window).bottleneck!;
    expect(b.recommendations.join("\n")).toMatch(/batched wire/);
    expect(b.recommendations.join("\n")).toMatch(/queue capacity/);
    expect(b.evidence[0]).toBe("gen blocked on gen → sink 88 % of the time");
  });

  it("warns that a component's metrics are unavailable instead of calling it down", () => {
    const r = diagnose(fixtures["cpu-bound-blocked-metrics"]!.window);
    expect(r.findings.map((f) => `${f.code}:${f.component ?? ""}`)).toContain("METRICS_UNAVAILABLE:work");
    expect(r.findings.some((f) => f.code === "COMPONENT_DOWN")).toBe(false);
  });

  it("calls a component that takes nothing while its queue is full stalled, and says to check it", () => {
    const w = structuredClone(fixtures["foreign-slow-sink"]!.window);
    const sink = w.components.find((c) => c.id === "legacy-db")!;
    sink.inRate = 0;
    sink.metricsAvailability = 0;
    const r = diagnose(w);
    expect(r.bottleneck).toMatchObject({ component: "legacy-db" });
    expect(r.bottleneck!.reason).toMatch(/stalled/);
    expect(r.bottleneck!.recommendations[0]).toMatch(/check legacy-db's log/);
    expect(r.findings.find((f) => f.code === "METRICS_UNAVAILABLE")?.message).toMatch(/did not answer/);
  });

  it("flags a component spending much of its time in GC, and adds the GC fix when it is the bottleneck", () => {
    const w = structuredClone(fixtures["cpu-bound-processor"]!.window);
    const bottleneck = diagnose(w).bottleneck!.component!;
    const other = w.components.find((c) => c.id !== bottleneck)!;
    for (const c of w.components) c.gc = c.id === bottleneck ? 0.3 : 0.05;
    let r = diagnose(w);
    expect(r.findings.filter((f) => f.code === "GC_PRESSURE")).toEqual([
      { severity: "warning", code: "GC_PRESSURE", component: bottleneck, message: expect.stringMatching(new RegExp(`^${bottleneck} spends 30 % of its time in garbage-collection pauses: .*NODE_OPTIONS=--max-semi-space-size=32.*GOGC=200`)) },
    ]);
    expect(r.bottleneck!.evidence).toContain(`${bottleneck} spends 30 % of its time in garbage-collection pauses`);
    // After the role's own remedies, before the replica estimates.
    const recs = r.bottleneck!.recommendations;
    const gcAt = recs.findIndex((x) => x.startsWith(`cut ${bottleneck}'s garbage collection`));
    expect(gcAt).toBeGreaterThan(0);
    expect(recs.slice(gcAt + 1).every((x) => x.startsWith("estimate:"))).toBe(true);

    // Not the bottleneck: still flagged (it costs CPU on a shared host), the verdict unchanged.
    for (const c of w.components) c.gc = c.id === other.id ? 0.25 : null;
    r = diagnose(w);
    expect(r.bottleneck!.component).toBe(bottleneck);
    expect(r.findings.filter((f) => f.code === "GC_PRESSURE").map((f) => f.component)).toEqual([other.id]);
    expect(r.bottleneck!.recommendations.some((x) => x.includes("garbage collection"))).toBe(false);
  });

  it("predicts time-to-full from a well-fitting queue growth trend", () => {
    const r = diagnose(fixtures["queue-filling"]!.window);
    const f = r.findings.find((x) => x.code === "QUEUE_FILLING");
    // depth 600 of 1000, +50/s → 8 s.
    expect(f?.message).toMatch(/grows 50\.0 events\/s \(R² 1\.00\): full in ~8 s/);
  });

  it("does not predict time-to-full from a noisy trend", () => {
    const w = structuredClone(fixtures["queue-filling"]!.window);
    const samples = w.edges[0]!.depthSamples!;
    samples.forEach((s, i) => (s[1] = i % 2 === 0 ? 100 : 700));
    const r = diagnose(w);
    expect(r.findings.some((x) => x.code === "QUEUE_FILLING")).toBe(false);
  });

  it("flags back-pressured upstream components, errors, drops and down components", () => {
    const w = structuredClone(fixtures["linear-slow-sink"]!.window);
    w.components[1]!.errors = 50;
    w.components[0]!.up = false;
    w.edges[0]!.dropped = 12;
    const codes = diagnose(w).findings.map((f) => `${f.code}:${f.component ?? ""}`);
    expect(codes).toEqual(
      expect.arrayContaining(["BACKPRESSURED:gen", "BACKPRESSURED:proc", "ERRORS:proc", "COMPONENT_DOWN:gen", "EVENTS_DROPPED:proc"]),
    );
  });

  it("does not call events a sink's type filter declines 'lost in transport'", () => {
    const w = structuredClone(fixtures["undelivered-edge"]!.window);
    // Same window, but the sink accepts none of the source's types: the engine counts them filtered.
    w.edges[0]!.filteredRate = w.components.find((c) => c.id === "gen")!.outRate;
    const r = diagnose(w);
    expect(r.bottleneck?.edge ?? null).toBeNull();
    expect(JSON.stringify(r.findings)).not.toMatch(/lost in transport/);
  });

  it("says so when there is no data at all rather than calling the pipeline healthy", () => {
    const w: MetricWindow = {
      pipeline: "p",
      from: 0,
      to: 10_000,
      components: [{ id: "a", role: "source", inRate: null, outRate: null, p50Ms: null, p95Ms: null, p99Ms: null, errors: null, busy: null, idle: null, backpressured: null }],
      edges: [],
    };
    const r = diagnose(w);
    expect(r.bottleneck).toBeNull();
    expect(r.findings.map((f) => f.code)).toEqual(["NO_METRICS"]);
  });
});

describe("fitLine", () => {
  it("fits an exact line with R² = 1 and rejects too few samples", () => {
    const fit = fitLine([[0, 1], [1000, 3], [2000, 5]])!;
    expect(fit.slopePerSec).toBeCloseTo(2, 10);
    expect(fit.r2).toBeCloseTo(1, 10);
    expect(fitLine([[0, 1], [1, 2]])).toBeUndefined();
  });
});

describe("sink retries and dead letters", () => {
  it("raises dead-lettered events as critical and retries as a warning", () => {
    const base = fixtures["rate-limited-healthy"]!.window;
    const sinkId = base.components.find((c) => c.role === "sink")!.id;
    const withDead = structuredClone(base);
    withDead.components.find((c) => c.id === sinkId)!.deadLettered = 12;
    expect(diagnose(withDead).findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: "DEAD_LETTERS", severity: "critical", component: sinkId })]));
    const retrying = structuredClone(base);
    retrying.components.find((c) => c.id === sinkId)!.writeRetries = 3;
    expect(diagnose(retrying).findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: "WRITE_RETRIES", severity: "warning", component: sinkId })]));
  });
});
