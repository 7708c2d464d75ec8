import { describe, expect, it } from "vitest";
import cpuBound from "../../diagnosis/fixtures/cpu-bound-processor.json";
import diamond from "../../diagnosis/fixtures/diamond-slow-join.json";
import fanOut from "../../diagnosis/fixtures/fan-out-one-slow-sink.json";
import { graphFromYaml, type EditorGraph } from "./editor-graph";
import { configuredSourceLimits, nodeCapacities, whatIf, type RunMeasurements } from "./what-if";
import { parsePipelineDocument } from "./yaml-document";

function graph(text: string): EditorGraph {
  const r = graphFromYaml(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.graph;
}

const HEAD = "apiVersion: flowctl/v1\nkind: Pipeline\nmetadata: { name: w }\nspec:\n";
const LINEAR = graph(`${HEAD}  sources:\n    - { id: gen, type: load-generator }\n  processors:\n    - { id: work, type: passthrough, inputs: [gen] }\n  sinks:\n    - { id: out, type: stdout, inputs: [work] }\n`);
const run = (w: { window: RunMeasurements }): RunMeasurements => w.window;

describe("nodeCapacities", () => {
  it("is rate ÷ replicas ÷ busy, with how far it can be trusted", () => {
    const caps = nodeCapacities(LINEAR, run(cpuBound));
    expect(caps.map((c) => [c.id, c.confidence])).toEqual([
      ["gen", "rough"],
      ["work", "measured"],
      ["out", "rough"],
    ]);
    expect(caps[1]!.perReplica).toBeCloseTo(950 / 0.98, 6);
    expect(caps[0]!.perReplica).toBeCloseTo(950 / 0.05, 6);
    const unmeasured = nodeCapacities(LINEAR, { components: [{ id: "work", inRate: 100, outRate: 100, busy: 0.001 }] });
    expect(unmeasured.map((c) => c.confidence)).toEqual(["unknown", "unknown", "unknown"]);
  });
});

describe("whatIf", () => {
  it("reproduces the run for the run's replicas, and scales the bottleneck with replicas", () => {
    const base = whatIf(LINEAR, run(cpuBound));
    expect(base.observed).toBe(950);
    expect(base.limit).toEqual({ kind: "component", id: "work" });
    expect(base.throughput).toBeCloseTo(969.4, 1);
    expect(base.nodes.find((n) => n.id === "work")!.utilisation).toBeCloseTo(1, 6);
    const four = whatIf(LINEAR, run(cpuBound), { replicas: { work: 4 } });
    expect(four.throughput).toBeCloseTo(4 * 969.4, 0);
    expect(four.sinks.out).toBeCloseTo(4 * 969.4, 0);
    // Enough replicas and the source becomes the limit.
    const many = whatIf(LINEAR, run(cpuBound), { replicas: { work: 40 } });
    expect(many.limit).toEqual({ kind: "component", id: "gen" });
    expect(many.throughput).toBeCloseTo(19000, 0);
    expect(many.notes).toContain("gen: capacity from a small busy share, rough");
  });

  it("caps by a configured source rate and by the host's cores", () => {
    const limited = whatIf(LINEAR, run(cpuBound), { replicas: { work: 4 }, sourceLimits: { gen: 2000 } });
    expect(limited.limit).toEqual({ kind: "source-rate", id: "gen" });
    expect(limited.throughput).toBe(2000);
    const cpu = whatIf(LINEAR, { ...run(cpuBound), host: { cpuCount: 2, cpuUsedCores: 1.5 } }, { replicas: { work: 4 } });
    expect(cpu.limit).toEqual({ kind: "cpu" });
    expect(cpu.throughput).toBeCloseTo((950 * 2) / 1.5, 6);
    const warned = whatIf(LINEAR, { ...run(cpuBound), host: { cpuCount: 2 } }, { replicas: { work: 4 } });
    expect(warned.notes.some((n) => n.startsWith("4 busy replicas on 2 cores"))).toBe(true);
  });

  it("on a fan-out, the slowest sink limits and the next one takes over", () => {
    const g = graph(`${HEAD}  sources:\n    - { id: gen, type: load-generator }\n  sinks:\n    - { id: fast, type: stdout, inputs: [gen] }\n    - { id: medium, type: stdout, inputs: [gen] }\n    - { id: slow, type: stdout, inputs: [gen] }\n`);
    expect(whatIf(g, run(fanOut)).limit).toEqual({ kind: "component", id: "slow" });
    const r = whatIf(g, run(fanOut), { replicas: { slow: 8 } });
    expect(r.limit).toEqual({ kind: "component", id: "medium" });
    expect(r.throughput).toBeCloseTo(48 / 0.25, 6);
    expect(r.sinks).toEqual({ fast: r.throughput, medium: r.throughput, slow: r.throughput });
  });

  it("on a diamond, the join carries both branches", () => {
    const g = graph(`${HEAD}  sources:\n    - { id: gen, type: load-generator }\n  processors:\n    - { id: left, type: passthrough, inputs: [gen] }\n    - { id: right, type: passthrough, inputs: [gen] }\n  sinks:\n    - { id: join, type: stdout, inputs: [left, right] }\n`);
    const r = whatIf(g, run(diamond));
    expect(r.limit).toEqual({ kind: "component", id: "join" });
    expect(r.throughput).toBeCloseTo(160 / 0.99 / 2, 6);
    expect(r.nodes.find((n) => n.id === "join")!.load).toBeCloseTo(160 / 0.99, 6);
  });

  it("follows a filtering processor's out/in ratio", () => {
    const r = whatIf(LINEAR, {
      components: [
        { id: "gen", inRate: null, outRate: 1000, busy: 0.5 },
        { id: "work", inRate: 1000, outRate: 100, busy: 0.25 },
        { id: "out", inRate: 100, outRate: 100, busy: 1 },
      ],
    });
    // out handles 100/s and sees a tenth of the source's events: the source could go to 1000/s.
    expect(r.limit).toEqual({ kind: "component", id: "out" });
    expect(r.throughput).toBeCloseTo(1000, 6);
    expect(r.sinks.out).toBeCloseTo(100, 6);
  });

  it("says so when nothing limits or the graph cannot be estimated", () => {
    expect(whatIf(LINEAR, { components: [] }).throughput).toBeNull();
    expect(whatIf(LINEAR, { components: [] }).notes).toContain("no measured limit: every stage's capacity is unknown");
    const cyclic = graph(`${HEAD}  sources:\n    - { id: gen, type: load-generator }\n  processors:\n    - { id: a, type: passthrough, inputs: [gen, b] }\n    - { id: b, type: passthrough, inputs: [a] }\n`);
    expect(whatIf(cyclic, run(cpuBound)).notes).toEqual(["the pipeline has a cycle: no throughput estimate"]);
  });
});

describe("configuredSourceLimits", () => {
  it("reads load-generator rates (env, config, default) times replicas", () => {
    const doc = parsePipelineDocument(`${HEAD}  sources:
    - { id: a, type: load-generator, env: { EVENTS_PER_SECOND: 500 }, replicas: 2 }
    - { id: b, type: load-generator, config: { events_per_second: 300 } }
    - { id: c, type: load-generator }
    - { id: d, type: load-generator, env: { EVENTS_PER_SECOND: 0 } }
    - { id: e, command: [node, s.mjs] }
`);
    expect(configuredSourceLimits(doc)).toEqual({ a: 1000, b: 300, c: 1000 });
  });
});
