import { describe, expect, it } from "vitest";
import { loadPipeline } from "../core/spec/load-pipeline";
import { maskSecrets, toPipelineGraph } from "./pipeline-graph";

describe("toPipelineGraph", () => {
  it("draws one node per component and one edge per input, with queue settings of the receiver", () => {
    const yaml = `apiVersion: flowctl/v1
kind: Pipeline
metadata: { name: p }
spec:
  sources: [{ id: gen, type: load-generator }]
  processors: [{ id: work, type: passthrough, inputs: [gen], replicas: 2, queue: { capacity: 50, policy: drop_oldest } }]
  sinks: [{ id: out, command: [node, sink.js], inputs: [work] }]
`;
    const g = toPipelineGraph(loadPipeline(yaml).pipeline!);
    expect(g.nodes.map((n) => [n.id, n.role, n.kind, n.replicas])).toEqual([
      ["gen", "source", "load-generator", 1],
      ["work", "processor", "passthrough", 2],
      ["out", "sink", "node", 1],
    ]);
    expect(g.edges).toEqual([
      { from: "gen", to: "work", capacity: 50, policy: "drop_oldest" },
      { from: "work", to: "out", capacity: 1000, policy: "block" },
    ]);
  });
});

describe("maskSecrets", () => {
  it("hides secret-looking values and passwords inside URLs, and nothing else", () => {
    expect(maskSecrets({ POSTGRES_PASSWORD: "hunter2", API_KEY: "k", TOKEN: "t", DATABASE_URL: "postgres://app:s3cret@db:5432/x", TABLE: "events", KEYSPACE: "ks" })).toEqual({
      POSTGRES_PASSWORD: "••••••",
      API_KEY: "••••••",
      TOKEN: "••••••",
      DATABASE_URL: "postgres://app:••••••@db:5432/x",
      TABLE: "events",
      KEYSPACE: "ks",
    });
  });
});
