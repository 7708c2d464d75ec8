/**
 * Everything flowctl exposes must pass `promtool check metrics` (Debian's prometheus package): the
 * engine registry and an SDK component's registry, with every family populated. CI installs
 * promtool and fails without it; elsewhere the test is skipped when it is missing.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ComponentMetrics } from "../sdk/metrics";
import { createEngineMetrics } from "./engine-metrics";
import { parseExposition } from "./exposition";

const PROMTOOL = process.env.PROMTOOL ?? "/usr/bin/promtool";
const available = existsSync(PROMTOOL);
if (!available && process.env.CI === "true") throw new Error(`promtool not found at ${PROMTOOL}: CI must install the prometheus package`);

function promtoolCheck(text: string): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe.skipIf(!available)("promtool check metrics", () => {
  it("accepts the engine registry with every family populated", async () => {
    const m = createEngineMetrics();
    const edge = { pipeline: "p", from: "a", to: "b" };
    m.registeredComponents.set(3);
    m.healthyComponents.set(3);
    m.activeStreams.set(2);
    m.edgeQueueDepth.set(edge, 10);
    m.edgeQueueCapacity.set(edge, 1000);
    m.edgeEvents.inc(edge, 5);
    m.edgeBytes.inc(edge, 500);
    m.edgeBlockedSeconds.inc(edge, 0.5);
    m.edgeDropped.inc(edge, 1);
    m.componentRestarts.inc({ pipeline: "p", component_id: "a" });
    m.componentUp.set({ pipeline: "p", component_id: "a" }, 1);
    m.inflightAtCrash.inc({ pipeline: "p", component_id: "a", outcome: "lost" });
    const text = await m.registry.metrics();
    const r = promtoolCheck(text);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
    // And our own parser reads every sample of it.
    const names = new Set(parseExposition(text).map((s) => s.name));
    for (const n of ["flowctl_registered_components", "flowctl_edge_blocked_seconds_total", "flowctl_component_up", "flowctl_engine_process_cpu_seconds_total", "flowctl_host_cpus", "flowctl_host_cpu_busy_seconds_total"]) expect(names).toContain(n);
  });

  it("counts the host's busy CPU seconds, increasing while the CPU works", async () => {
    const m = createEngineMetrics({ defaultMetrics: false });
    const read = async () => (await m.registry.getSingleMetric("flowctl_host_cpu_busy_seconds_total")!.get()).values[0]?.value ?? 0;
    const before = await read();
    const end = Date.now() + 300;
    while (Date.now() < end); // burn CPU so the host's busy time must grow
    expect(await read()).toBeGreaterThan(before);
    expect((await m.registry.getSingleMetric("flowctl_host_cpus")!.get()).values[0]!.value).toBeGreaterThanOrEqual(1);
  });

  it("accepts an SDK component's registry", async () => {
    const m = new ComponentMetrics({ componentId: "sink-1", role: "sink" });
    m.eventsProcessed = 10;
    m.processingDuration.observe(0.002);
    m.endToEndLatency.observe(0.05);
    m.user.counter("orders_written_total", "Orders written.").inc();
    const text = await m.expose();
    const r = promtoolCheck(text);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
    const names = new Set(parseExposition(text).map((s) => s.name));
    for (const n of ["component_events_processed_total", "component_busy_seconds_total", "component_processing_duration_seconds_bucket"]) expect(names).toContain(n);
  });

  it("rejects what Prometheus would reject (the check is real)", () => {
    const r = promtoolCheck("# TYPE bad_total gauge\nbad_total 1\n");
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/non-counter metrics should not have "_total" suffix/);
  });
});
