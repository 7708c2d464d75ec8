/**
 * The wording of the diagnosis on recorded windows: the spec's own keys, advice already applied,
 * CPU-bound vs waiting stages, the host as a bottleneck, siblings, and how good estimates are.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { pipelineJsonSchema } from "../core/spec/spec.json-schema";
import { diagnose } from "./diagnose";
import type { Bottleneck, MetricWindow } from "./diagnosis-types";

const dir = path.join(import.meta.dirname, "fixtures");
const fixture = (name: string): MetricWindow => (JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8")) as { window: MetricWindow }).window;
const all = readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, ""));

/** A fixture's window with the sink's batch set as `flowctl run` reports it. */
function withBatch(name: string, id: string, batch: { size: number; flushIntervalMs: number }): MetricWindow {
  const w = structuredClone(fixture(name));
  w.components.find((c) => c.id === id)!.settings = { batch, queueCapacity: 1000 };
  return w;
}

type SchemaNode = { type?: string; properties?: Record<string, SchemaNode>; additionalProperties?: unknown };
const COMPONENT = (pipelineJsonSchema() as { $defs: { Component: SchemaNode } }).$defs.Component;

/** True when `keys` is a path of the pipeline file's component schema (`env.X` and the like take any key). */
function isSpecPath(keys: string[]): boolean {
  let node: SchemaNode | undefined = COMPONENT;
  for (const k of keys) {
    if (!node) return false;
    if (node.properties?.[k]) node = node.properties[k];
    else return node.additionalProperties !== undefined && node.additionalProperties !== false;
  }
  return true;
}

/** The spec keys a piece of advice names in backticks: `a.b` paths and `key: value` YAML fragments. */
function specKeysIn(text: string): string[][] {
  const out: string[][] = [];
  for (const [, span] of text.matchAll(/`([^`]+)`/g)) {
    if (/=/.test(span!) || /^flowctl /.test(span!)) continue; // env assignments, commands
    if (/^[a-z_]+(\.[a-z_]+)*$/.test(span!)) out.push(span!.split("."));
    else if (span!.includes(":")) {
      const walk = (v: unknown, at: string[]) => {
        if (!v || typeof v !== "object") return;
        for (const [k, x] of Object.entries(v)) {
          out.push([...at, k]);
          walk(x, [...at, k]);
        }
      };
      walk(parseYaml(span!), []);
    }
  }
  return out;
}

function recommendationsOf(w: MetricWindow): string[] {
  return diagnose(w).bottleneck?.recommendations ?? [];
}

describe("advice uses the pipeline file's own keys", () => {
  const windows: Array<[string, MetricWindow]> = [
    ...all.map((n): [string, MetricWindow] => [n, fixture(n)]),
    ["linear-slow-sink with batch", withBatch("linear-slow-sink", "db", { size: 500, flushIntervalMs: 200 })],
    ["edge-transport with batch", withBatch("edge-transport", "sink", { size: 100, flushIntervalMs: 10 })],
  ];
  it.each(windows)("%s: every key in backticks is a key of a component in the pipeline file", (_name, w) => {
    const keys = recommendationsOf(w).flatMap(specKeysIn);
    expect(keys.filter((k) => !isSpecPath(k)).map((k) => k.join("."))).toEqual([]);
  });

  it("never writes the SDK's option names (flushInterval) where the file's key is meant", () => {
    for (const [, w] of windows) expect(recommendationsOf(w).join("\n")).not.toMatch(/flushInterval\b|size, flushInterval/);
  });
});

describe("advice already applied", () => {
  it("a sink that already batches is not told to batch; it gets what its batches measure and what to try next", () => {
    const recs = recommendationsOf(fixture("batched-sink-filling"));
    expect(recs.join("\n")).not.toMatch(/set `batch:/);
    expect(recs[0]).toBe(
      "db already batches (`batch: { size: 500, flush_interval_ms: 200 }`): it writes ~500 events per write in 2157 ms, 4.3 ms per event. Next, try `batch: { size: 1000, flush_interval_ms: 200 }` and compare the time per event: if it falls, writes have a fixed cost worth spreading further; if it stays near 4.3 ms, db's target spends that time on every event — add replicas or write concurrently instead",
    );
  });

  it("the same sink without batch in its file is told to batch", () => {
    const w = structuredClone(fixture("batched-sink-filling"));
    w.components.find((c) => c.id === "db")!.settings = { batch: null, queueCapacity: 1000 };
    expect(recommendationsOf(w)[0]).toMatch(/^batch writes in db: set `batch: \{ size: 500, flush_interval_ms: 200 \}`/);
  });

  it("batches cut short by the flush interval: raise flush_interval_ms, not the size", () => {
    const w = structuredClone(fixture("batched-sink-filling"));
    const db = w.components.find((c) => c.id === "db")!;
    db.calls = 10; // 222 events/s in 10 writes/s: ~22 events per write of 500 allowed
    expect(recommendationsOf(w)[0]).toMatch(/^db already batches .* its writes carry ~22 events, not 500: the flush interval ends them first — raise `batch.flush_interval_ms`/);
  });

  it("an edge whose receiver already batches is told to raise batch.size, not to set batch", () => {
    const recs = recommendationsOf(withBatch("edge-transport", "sink", { size: 100, flushIntervalMs: 10 }));
    expect(recs[0]).toBe("sink already uses the batched wire (`batch: { size: 100, flush_interval_ms: 10 }`): raise `batch.size` on sink so each message carries more events");
  });
});

describe("CPU-bound and waiting stages, from each component's own CPU", () => {
  it("a DELAY_MS stage is waiting: concurrency advice, no core requirement, no 'CPU-bound'", () => {
    const r = diagnose(fixture("waiting-processor"));
    const b = r.bottleneck!;
    expect(r.components.find((c) => c.id === "geocode")).toMatchObject({ bound: "waiting", cpuCores: 0.076 });
    expect(b.evidence).toContain("geocode waits rather than computes: busy 100 % of the time on 0.08 cores (I/O, timers or remote calls)");
    expect(b.recommendations[0]).toMatch(/^geocode waits rather than computes \(0\.08 cores while busy 100 %\): add concurrency — `replicas: 4` on geocode \(the extra replicas need no extra cores\), or more requests in flight/);
    const text = b.recommendations.join("\n");
    expect(text).not.toMatch(/CPU-bound|more CPU|resources\.limits\.cpu|more cores; this host|host is saturated/);
    expect(b.estimates!.map((e) => [e.value, e.eventsPerSecond, e.cappedByHost])).toEqual([
      [4, 900, false],
      [8, 1800, false],
    ]);
  });

  it("a busy stage with little CPU on a saturated host is not called waiting: it may be waiting for a core", () => {
    const r = diagnose(fixture("cpu-starved-processor"));
    expect(r.components.find((c) => c.id === "work")!.bound).toBe("unknown");
    expect(r.bottleneck!.evidence.join("\n")).toMatch(/work uses 0\.3 cores while busy 100 %: on a saturated host, waiting for a core looks like waiting for I\/O/);
    expect(r.bottleneck!.recommendations[0]).toMatch(/^the host is saturated/);
  });

  it("a stage whose CPU matches its busy time is CPU-bound: replicas need a core each", () => {
    const w = structuredClone(fixture("cpu-bound-processor"));
    w.components.find((c) => c.id === "work")!.cpu = 0.97;
    w.host = { cpuCount: 8, cpuUsedCores: 1.5 };
    const r = diagnose(w);
    expect(r.components.find((c) => c.id === "work")!.bound).toBe("cpu");
    expect(r.bottleneck!.recommendations[0]).toMatch(/^add replicas: `replicas: 2` on work to process partitions in parallel: it is CPU-bound \(1\.0 cores while busy \d+ %\), so each replica needs about a core/);
  });

  it("a foreign component's CPU is unknown, and the advice says so", () => {
    const r = diagnose(fixture("foreign-slow-sink"));
    expect(r.components.find((c) => c.id === r.bottleneck!.component)!.cpuCores).toBeNull();
    const w = structuredClone(fixture("cpu-bound-processor"));
    expect(diagnose(w).bottleneck!.recommendations.join("\n")).toMatch(/its CPU use is unknown \(it exports no process_cpu_seconds_total\)/);
  });
});

describe("estimates", () => {
  it("the 2-replica window's estimate for 4 replicas is within 15 % of what 4 replicas measured", () => {
    const est = diagnose(fixture("waiting-processor")).bottleneck!.estimates!.find((e) => e.value === 4)!;
    const measured = fixture("waiting-processor-4-replicas").components.find((c) => c.id === "geocode")!.inRate!;
    expect(Math.abs(measured / est.eventsPerSecond - 1)).toBeLessThanOrEqual(0.15);
  });

  it("are machine-readable: component, setting, from, value, events/s, per replica, extra cores", () => {
    const [e] = diagnose(fixture("waiting-processor")).bottleneck!.estimates!;
    expect(e).toEqual({ component: "geocode", setting: "replicas", from: 2, value: 4, eventsPerSecond: 900, perReplica: 225, extraCores: 0.08, cappedByHost: false, upTo: null });
  });

  it("on a host busy with other work, a stage that may compute gets a range, not a number it cannot keep", () => {
    const b = diagnose(fixture("cpu-starved-processor")).bottleneck!;
    expect(b.estimates![0]).toMatchObject({ value: 2, eventsPerSecond: 188.9, upTo: 377.7, cappedByHost: true });
    expect(b.recommendations).toContain(
      "estimate: with 2 replicas between 189 and 378 events/s — they need ~1.0 more cores, this host has 0.0 of 2 idle and 1.6 busy with other work: how much of that the new replicas win cannot be told (189 events/s per replica at 100 % busy)",
    );
  });
});

describe("the host as the bottleneck", () => {
  it("names the host with its cores and busy cores when no stage is more than half busy", () => {
    const b: Bottleneck = diagnose(fixture("host-saturated")).bottleneck!;
    expect(b).toMatchObject({ kind: "host", component: null, edge: null, cpus: 2, busyCores: 1.97 });
    expect(b.evidence).toEqual([
      "host CPU: 2.0 of 2 cores busy, the pipeline's processes using 0.8, other work 1.2",
      "no stage is more than half busy: work 25 %, gen 16 %, out 11 %",
      "back-pressured all the same: gen 81 %",
      "CPU by process: engine 0.3, work 0.2, gen 0.2, out 0.1 cores",
    ]);
    expect(b.recommendations[0]).toMatch(/^give the pipeline more cores/);
    expect(b.estimates).toEqual([]);
  });

  it("keeps the component verdict when a stage is saturated, however busy the host", () => {
    expect(diagnose(fixture("waiting-processor")).bottleneck!.kind).toBe("component");
    expect(diagnose(fixture("cpu-starved-processor")).bottleneck!.kind).toBe("component");
  });

  it("is not named when a working stage's input queue is full: that stage falls behind (a window under-read at start-up)", () => {
    const w = structuredClone(fixture("under-read-slow-sink"));
    w.host = { cpuCount: 2, cpuUsedCores: 0.3, hostBusyCores: 1.99 };
    expect(diagnose(w).bottleneck).toMatchObject({ kind: "component", component: "db" });
  });

  it("is not named while a working stage's input queue fills up in the window (a run still starting on a busy host)", () => {
    const ramp = Array.from({ length: 11 }, (_, i) => [i * 1000, Math.min(1000, i * 120)] as [number, number]);
    const w = structuredClone(fixture("linear-slow-sink"));
    w.host = { cpuCount: 2, cpuUsedCores: 0.2, hostBusyCores: 1.99 };
    w.components.find((c) => c.id === "db")!.busy = 0.48;
    for (const e of w.edges) Object.assign(e, { avgFill: 0.55, blocked: 0.3, depthSamples: ramp });
    for (const c of w.components.filter((x) => x.id !== "db")) c.backpressured = 0.53;
    expect(diagnose(w).bottleneck).toMatchObject({ kind: "component", component: "db" });
  });

  it("is not named when the host has idle cores", () => {
    const w = structuredClone(fixture("host-saturated"));
    w.host = { cpuCount: 8, cpuUsedCores: 0.8, hostBusyCores: 1.97 };
    expect(diagnose(w).bottleneck?.kind).not.toBe("host");
  });
});

describe("evidence names relations correctly", () => {
  it("an upstream processor is never a sibling of the sink", () => {
    for (const name of ["linear-slow-sink", "batched-sink-filling", "under-read-slow-sink"]) {
      expect(diagnose(fixture(name)).bottleneck!.evidence.join("\n"), name).not.toMatch(/sibling/);
    }
  });
});
