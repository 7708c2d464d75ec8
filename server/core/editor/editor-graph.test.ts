import { describe, expect, it } from "vitest";
import { COMMENTED_PIPELINE } from "./__fixtures__/commented";
import { autoLayout, placeNewNodes } from "./auto-layout";
import { canConnect } from "./connection-rules";
import { graphFromYaml, type EditorGraph } from "./editor-graph";
import { emptyLayout, parseLayout, pruneLayout } from "./layout-model";
import { detectStyle } from "./yaml-document";

function graphOf(text: string): EditorGraph {
  const r = graphFromYaml(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.graph;
}

const g = graphOf(COMMENTED_PIPELINE);

describe("graphFromYaml", () => {
  it("maps components to nodes with role, kind, label and replicas, and inputs to edges", () => {
    expect(g.nodes.map((n) => [n.id, n.role, n.kind, n.path, n.replicas])).toEqual([
      ["gen", "source", "builtin", "spec.sources[0]", 1],
      ["enrich", "processor", "builtin", "spec.processors[0]", 1],
      ["work", "processor", "builtin", "spec.processors[1]", 2],
      ["archive", "sink", "builtin", "spec.sinks[0]", 1],
      ["audit", "sink", "builtin", "spec.sinks[1]", 1],
    ]);
    expect(g.edges).toContainEqual({ id: "work->archive", from: "work", to: "archive", inputIndex: 0 });
  });

  it("keeps nodes addressable with missing or repeated ids and lists unknown inputs", () => {
    const graph = graphOf(`spec:
  sources:
    - id: a
      type: load-generator
    - type: load-generator
  processors:
    - id: a
      command: [node, p.mjs]
      inputs: [a, a, ghost]
  sinks:
    - id: s
      image: ghcr.io/x/s:1
      inputs: [a]
`);
    expect(graph.nodes.map((n) => [n.id, n.kind, n.label])).toEqual([
      ["a", "builtin", "a"],
      ["#spec.sources[1]", "builtin", "(source 2 without id)"],
      ["#spec.processors[0]", "command", "a"],
      ["s", "image", "s"],
    ]);
    // Inputs resolve to the first component with the id, as validation does; duplicates count once.
    expect(graph.edges.map((e) => e.id)).toEqual(["a->#spec.processors[0]", "a->s"]);
    expect(graph.nodes[2]!.unknownInputs).toEqual(["ghost"]);
    expect(graph.nodes[2]!.detail).toBe("node p.mjs");
  });

  it("reports the first syntax error with its position and no graph", () => {
    const r = graphFromYaml("spec:\n  sources: [a\n");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.line).toBeGreaterThanOrEqual(2);
  });
});

describe("canConnect", () => {
  it("accepts a legal edge", () => {
    expect(canConnect(g, "gen", "audit")).toEqual({ ok: true });
  });

  it.each([
    ["audit", "work", "connect.out-of-sink", /"audit" is a sink/],
    ["work", "gen", "connect.into-source", /"gen" is a source/],
    ["work", "work", "connect.self-loop", /its own input/],
    ["gen", "enrich", "connect.duplicate", /already an input/],
    ["work", "enrich", "connect.cycle", /cycle enrich → work → enrich/],
    ["ghost", "work", "connect.unknown-node", /no component "ghost"/],
  ])("refuses %s → %s with %s", (from, to, code, reason) => {
    const v = canConnect(g, from, to);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.code).toBe(code);
    expect(!v.ok && v.reason).toMatch(reason);
  });

  it("refuses nodes without a unique id", () => {
    const graph = graphOf("spec:\n  sources:\n    - type: load-generator\n  sinks:\n    - id: s\n      type: stdout\n");
    const v = canConnect(graph, "#spec.sources[0]", "s");
    expect(!v.ok && v.code).toBe("connect.no-id");
  });
});

describe("layout", () => {
  it("lays out left to right, stable under declaration order", () => {
    const pos = autoLayout(g);
    expect(pos.gen!.x).toBeLessThan(pos.enrich!.x);
    expect(pos.enrich!.x).toBeLessThan(pos.work!.x);
    expect(pos.work!.x).toBeLessThan(pos.archive!.x);
    expect(pos.archive!.x).toBe(pos.audit!.x);
    const shuffled = { nodes: [...g.nodes].reverse(), edges: [...g.edges].reverse() };
    expect(autoLayout(shuffled)).toEqual(pos);
    expect(autoLayout(g)).toEqual(pos);
  });

  it("places only the missing nodes, without overlapping the placed ones", () => {
    const placed = autoLayout(g);
    const { audit: _gone, ...rest } = placed;
    const added = placeNewNodes(g, { version: 1, positions: rest });
    expect(Object.keys(added)).toEqual(["audit"]);
    for (const p of Object.values(rest)) expect(Math.abs(p.x - added.audit!.x) < 200 && Math.abs(p.y - added.audit!.y) < 64).toBe(false);
    expect(placeNewNodes(g, { version: 1, positions: placed })).toEqual({});
    expect(placeNewNodes(g, emptyLayout())).toEqual(placed);
  });

  it("parses stored layouts, naming the bad field, and prunes unknown ids", () => {
    expect(parseLayout({ version: 1, positions: { a: { x: 1, y: 2 } } })).toEqual({ ok: true, layout: { version: 1, positions: { a: { x: 1, y: 2 } } } });
    const bad = parseLayout({ version: 1, positions: { a: { x: "1", y: 2 } } });
    expect(!bad.ok && bad.errors[0]!.path).toBe("positions.a.x");
    expect(pruneLayout({ version: 1, positions: { a: { x: 0, y: 0 }, b: { x: 1, y: 1 } } }, ["b"])).toEqual({ version: 1, positions: { b: { x: 1, y: 1 } } });
  });
});

describe("detectStyle", () => {
  it("reads indentation, sequence indentation and flow padding from the file", () => {
    expect(detectStyle("a:\n    b:\n        - x\n")).toMatchObject({ indent: 4, indentSeq: true });
    expect(detectStyle("a:\n  b:\n  - x\n")).toMatchObject({ indent: 2, indentSeq: false });
    expect(detectStyle("a: [ x ]\nb: { c: 1 }\n").flowCollectionPadding).toBe(true);
    expect(detectStyle("a: [x]\nb: {c: 1}\n").flowCollectionPadding).toBe(false);
  });
});
