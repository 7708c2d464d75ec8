import { describe, expect, it } from "vitest";
import { COMMENTED_PIPELINE } from "./__fixtures__/commented";
import { graphFromYaml, type EditorGraph } from "./editor-graph";
import { diffGraph, diffVersions } from "./version-diff";

const V1 = COMMENTED_PIPELINE;
const V2 = COMMENTED_PIPELINE.replace("name: orders   # the run name", "name: orders-v2")
  .replace("      replicas: 2 # scaled\n", "      replicas: 4\n      partition_key: id\n")
  .replace("EVENTS_PER_SECOND: 1000,", 'EVENTS_PER_SECOND: "1000",') // same value as the component sees it
  .replace("    - id: audit\n      type: stdout\n      inputs: [work]\n", "    - id: log\n      type: stdout\n      inputs: [enrich]\n")
  .replace("      inputs:\n        - work\n", "      inputs:\n        - work\n        - gen\n");

function graph(text: string): EditorGraph {
  const r = graphFromYaml(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.graph;
}

describe("diffVersions", () => {
  it("lists added, removed and changed components with their fields, edges and pipeline fields", () => {
    const d = diffVersions(V1, V2);
    expect(d.components.added).toEqual([{ id: "log", role: "sink" }]);
    expect(d.components.removed).toEqual([{ id: "audit", role: "sink" }]);
    expect(d.components.changed).toEqual([
      {
        id: "work",
        role: "processor",
        fields: [
          { path: "replicas", before: 2, after: 4 },
          { path: "partition_key", after: "id" },
        ],
      },
    ]);
    expect(d.edges.added).toEqual([
      { from: "gen", to: "archive" },
      { from: "enrich", to: "log" },
    ]);
    expect(d.edges.removed).toEqual([{ from: "work", to: "audit" }]);
    expect(d.pipeline).toEqual([{ path: "metadata.name", before: "orders", after: "orders-v2" }]);
    expect(d.unreadable).toEqual([]);
  });

  it("gives the line diff with line numbers on both sides", () => {
    const d = diffVersions(V1, V2);
    expect(d.lines.find((l) => l.op === "remove" && l.text.includes("replicas"))).toEqual({ op: "remove", text: "      replicas: 2 # scaled", oldLine: 24 });
    expect(d.lines.filter((l) => l.op === "add").map((l) => l.text)).toContain("        - gen");
    expect(diffVersions(V1, V1).lines.every((l) => l.op === "equal")).toBe(true);
  });

  it("notices a role change and compares an unreadable version as text only", () => {
    const moved = diffVersions(
      "spec:\n  processors:\n    - id: x\n      type: t\n",
      "spec:\n  sinks:\n    - id: x\n      type: t\n",
    );
    expect(moved.components.changed).toEqual([{ id: "x", role: "sink", roleBefore: "processor", fields: [] }]);
    const broken = diffVersions(V1, "spec: [\n");
    expect(broken.unreadable).toEqual(["new"]);
    expect(broken.components.added).toEqual([]);
    expect(broken.lines.some((l) => l.op === "add")).toBe(true);
  });
});

describe("diffGraph", () => {
  it("marks every node and edge of both versions", () => {
    const d = diffVersions(V1, V2);
    const g = diffGraph(graph(V1), graph(V2), d);
    const status = Object.fromEntries(g.nodes.map((n) => [n.id, n.status]));
    expect(status).toEqual({ gen: "unchanged", enrich: "unchanged", work: "changed", archive: "unchanged", log: "added", audit: "removed" });
    expect(g.nodes.find((n) => n.id === "work")!.changedFields).toEqual(["replicas", "partition_key"]);
    const edges = Object.fromEntries(g.edges.map((e) => [e.id, e.status]));
    expect(edges).toMatchObject({ "gen->archive": "added", "enrich->log": "added", "work->audit": "removed", "gen->enrich": "unchanged" });
  });
});
