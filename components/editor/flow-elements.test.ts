/** Flow elements: decorations land on the right nodes and edges; unchanged elements are reused. */
import { describe, expect, it } from "vitest";
import { graphFromYaml, type EditorGraph } from "@/server/core/editor/editor-graph";
import type { Diagnostic } from "@/server/core/spec/index";
import { flowEdges, flowNodes, type FlowDecorations } from "./flow-elements";

const YAML = `apiVersion: flowctl/v1
kind: Pipeline
metadata: { name: p }
spec:
  sources: [{ id: gen, type: load-generator }]
  processors: [{ id: work, type: passthrough, inputs: [gen], replicas: 2 }]
  sinks: [{ id: out, type: file, inputs: [work] }]
`;

function graph(text = YAML): EditorGraph {
  const g = graphFromYaml(text, { version: 1, positions: { gen: { x: 0, y: 0 }, work: { x: 300, y: 0 }, out: { x: 600, y: 0 } } });
  if (!g.ok) throw new Error(g.error.message);
  return g.graph;
}

const diag = (severity: Diagnostic["severity"], message: string): Diagnostic => ({ severity, code: "x", message, path: "", line: 1, column: 1 });

const deco = (over: Partial<FlowDecorations> = {}): FlowDecorations => ({ byNode: {}, byEdge: {}, selectedNodes: new Set(), selectedEdges: new Set(), dragging: {}, capacity: new Map(), ...over });

describe("flowNodes / flowEdges", () => {
  it("carries role, kind, replicas, the worst severity and the messages", () => {
    const { nodes } = flowNodes(graph(), deco({ byNode: { out: [diag("warning", "w"), diag("error", "FILE_PATH is required")] }, selectedNodes: new Set(["work"]) }), new Map());
    const out = nodes.find((n) => n.id === "out")!;
    expect(out.data).toMatchObject({ role: "sink", kind: "builtin", detail: "file", severity: "error", problems: ["w", "FILE_PATH is required"] });
    expect(nodes.find((n) => n.id === "work")).toMatchObject({ selected: true, position: { x: 300, y: 0 }, data: { replicas: 2, severity: null } });
    const { edges } = flowEdges(graph(), { byEdge: { "gen->work": [diag("error", "cycle")] }, selectedEdges: new Set() }, new Map());
    expect(edges.map((e) => [e.id, e.source, e.target, e.data!.severity])).toEqual([
      ["gen->work", "gen", "work", "error"],
      ["work->out", "work", "out", null],
    ]);
  });

  it("reuses the objects of nodes and edges an edit did not change", () => {
    const first = flowNodes(graph(), deco(), new Map());
    const second = flowNodes(graph(YAML.replace("replicas: 2", "replicas: 3")), deco({ dragging: { out: { x: 610, y: 5 } } }), first.cache);
    expect(second.nodes[0]).toBe(first.nodes[0]);
    expect(second.nodes[1]).not.toBe(first.nodes[1]);
    expect(second.nodes[2]).not.toBe(first.nodes[2]);
    expect(second.nodes[2]!.position).toEqual({ x: 610, y: 5 });
    const e1 = flowEdges(graph(), deco(), new Map());
    const e2 = flowEdges(graph(), deco({ selectedEdges: new Set(["work->out"]) }), e1.cache);
    expect(e2.edges[0]).toBe(e1.edges[0]);
    expect(e2.edges[1]).not.toBe(e1.edges[1]);
  });
});
