import { describe, expect, it } from "vitest";
import { validate } from "../spec/index";
import { graphFromYaml, type EditorGraph } from "./editor-graph";
import { diagnosticTarget, mapDiagnostics, worstSeverity } from "./graph-diagnostics";

const YAML = `apiVersion: flowctl/v1
kind: Pipeline
metadata:
  name: Bad Name
spec:
  sources:
    - id: gen
      type: load-generator
      env: { EVENTS_PER_SECOND: fast }
  processors:
    - id: a
      type: passthrough
      inputs: [gen, b]
    - id: b
      type: passthrough
      inputs: [a]
  sinks:
    - id: out
      type: stdout
    - id: db
      type: file
      inputs: [out, a]
      env: { FILE_PATH: x }
`;

function graph(): EditorGraph {
  const r = graphFromYaml(YAML);
  if (!r.ok) throw new Error("unexpected syntax error");
  return r.graph;
}

describe("mapDiagnostics", () => {
  it("puts each validate() diagnostic on its node, edge or the pipeline", () => {
    const g = graph();
    const mapped = mapDiagnostics(g, validate(YAML));
    const codes = (list: { code: string }[] | undefined) => (list ?? []).map((d) => d.code).sort();
    expect(codes(mapped.byNode.out)).toEqual(["graph.missing-inputs"]);
    expect(codes(mapped.byNode.gen)).toEqual(["component.builtin-invalid-env"]);
    // The cycle a → b → a closes on b in a's inputs: the edge b → a carries it.
    expect(codes(mapped.byEdge["b->a"])).toEqual(["graph.cycle"]);
    expect(codes(mapped.byEdge["out->db"])).toEqual(["graph.sink-as-input"]);
    expect(codes(mapped.pipeline)).toContain("metadata.name-invalid");
    expect(mapped.placed).toHaveLength(validate(YAML).length);
    expect(worstSeverity(mapped.byNode.out)).toBe("error");
    expect(worstSeverity(mapped.pipeline)).toBe("warning");
    expect(worstSeverity(undefined)).toBeUndefined();
  });

  it("falls back to the node for inputs that are not edges, and to the pipeline for other paths", () => {
    const g = graph();
    expect(diagnosticTarget(g, "spec.processors[0].inputs[7]")).toEqual({ kind: "node", id: "a" });
    expect(diagnosticTarget(g, "spec.sinks[1].env.FILE_PATH")).toEqual({ kind: "node", id: "db" });
    expect(diagnosticTarget(g, "spec.sinks[9]")).toEqual({ kind: "pipeline" });
    expect(diagnosticTarget(g, "spec.sinks")).toEqual({ kind: "pipeline" });
    expect(diagnosticTarget(g, "")).toEqual({ kind: "pipeline" });
  });
});
