import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildDag, downstreamOf, findCycle, findCycles, reachableFrom, topoSort, upstreamOf, type GraphNode } from "./dag";

const diamond: GraphNode[] = [
  { id: "src", inputs: [] },
  { id: "a", inputs: ["src"] },
  { id: "b", inputs: ["src"] },
  { id: "join", inputs: ["a", "b"] },
  { id: "sink", inputs: ["join"] },
];

describe("buildDag", () => {
  it("creates one edge per input and ignores unknown ids and repeated inputs", () => {
    const dag = buildDag([{ id: "s", inputs: [] }, { id: "p", inputs: ["s", "s", "ghost"] }]);
    expect(dag.edges).toEqual([{ from: "s", to: "p" }]);
    expect(dag.upstream.get("p")).toEqual(["s"]);
    expect(dag.downstream.get("s")).toEqual(["p"]);
  });
});

describe("findCycle / findCycles", () => {
  it("returns undefined for an acyclic graph", () => {
    expect(findCycle(buildDag(diamond))).toBeUndefined();
    expect(findCycles(buildDag(diamond))).toEqual([]);
  });

  it("returns the closed path of a cycle in data-flow order", () => {
    const dag = buildDag([
      { id: "src", inputs: [] },
      { id: "a", inputs: ["src", "c"] },
      { id: "b", inputs: ["a"] },
      { id: "c", inputs: ["b"] },
    ]);
    expect(findCycle(dag)).toEqual(["a", "b", "c", "a"]);
  });

  it("reports a self-loop as a one-node cycle", () => {
    expect(findCycle(buildDag([{ id: "x", inputs: ["x"] }]))).toEqual(["x", "x"]);
  });

  it("reports each independent cycle once", () => {
    const dag = buildDag([
      { id: "a", inputs: ["b"] },
      { id: "b", inputs: ["a"] },
      { id: "c", inputs: ["d"] },
      { id: "d", inputs: ["c"] },
      { id: "e", inputs: ["a", "c"] },
    ]);
    const cycles = findCycles(dag);
    expect(cycles).toHaveLength(2);
    for (const cycle of cycles) {
      expect(cycle[0]).toBe(cycle[cycle.length - 1]);
      // every consecutive pair is an edge
      for (let i = 0; i + 1 < cycle.length; i++) expect(dag.downstream.get(cycle[i]!)).toContain(cycle[i + 1]);
    }
  });
});

describe("topoSort", () => {
  it("orders every node after its inputs, keeping declaration order for ties", () => {
    expect(topoSort(buildDag(diamond))).toEqual(["src", "a", "b", "join", "sink"]);
  });

  it("returns undefined when there is a cycle", () => {
    expect(topoSort(buildDag([{ id: "a", inputs: ["b"] }, { id: "b", inputs: ["a"] }]))).toBeUndefined();
  });

  it("agrees with findCycle/findCycles on random graphs and respects every edge", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(9), { maxLength: 3 }), { minLength: 1, maxLength: 10 }), (inputLists) => {
        const nodes = inputLists.map((ins, i) => ({ id: `n${i}`, inputs: ins.filter((j) => j < inputLists.length).map((j) => `n${j}`) }));
        const dag = buildDag(nodes);
        const order = topoSort(dag);
        const cycle = findCycle(dag);
        expect(order === undefined).toBe(cycle !== undefined);
        const cycles = findCycles(dag);
        expect(cycles.length === 0).toBe(order !== undefined);
        for (const c of cycles) {
          expect(c[0]).toBe(c[c.length - 1]);
          for (let i = 0; i + 1 < c.length; i++) expect(dag.downstream.get(c[i]!)).toContain(c[i + 1]);
        }
        if (order) {
          const pos = new Map(order.map((id, i) => [id, i]));
          for (const e of dag.edges) expect(pos.get(e.from)!).toBeLessThan(pos.get(e.to)!);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("reachability", () => {
  const dag = buildDag([...diamond, { id: "orphan", inputs: [] }, { id: "after-orphan", inputs: ["orphan"] }]);

  it("reachableFrom includes the starts and everything downstream", () => {
    expect([...reachableFrom(dag, ["src"])].sort()).toEqual(["a", "b", "join", "sink", "src"]);
  });

  it("upstreamOf and downstreamOf exclude the node itself", () => {
    expect([...upstreamOf(dag, "join")].sort()).toEqual(["a", "b", "src"]);
    expect([...downstreamOf(dag, "a")].sort()).toEqual(["join", "sink"]);
    expect([...downstreamOf(dag, "sink")]).toEqual([]);
  });

  it("leaves components fed only by a non-source unreached", () => {
    expect(reachableFrom(dag, ["src"]).has("after-orphan")).toBe(false);
  });
});
