import { describe, expect, it } from "vitest";
import type { PipelineGraph } from "@/server/services/api-types";
import { toFlowElements } from "./to-flow-elements";

const diamond: PipelineGraph = {
  nodes: [
    { id: "src", role: "source", kind: "load-generator", replicas: 1, queueCapacity: 1000, env: {}, restartPolicy: "on-failure" },
    { id: "a", role: "processor", kind: "passthrough", replicas: 2, queueCapacity: 500, env: {}, restartPolicy: "on-failure" },
    { id: "b", role: "processor", kind: "transform", replicas: 1, queueCapacity: 1000, env: {}, restartPolicy: "on-failure" },
    { id: "out", role: "sink", kind: "blackhole", replicas: 1, queueCapacity: 1000, env: {}, restartPolicy: "on-failure" },
  ],
  edges: [
    { from: "src", to: "a", capacity: 500, policy: "block" },
    { from: "src", to: "b", capacity: 1000, policy: "block" },
    { from: "a", to: "out", capacity: 1000, policy: "drop_oldest" },
    { from: "b", to: "out", capacity: 1000, policy: "drop_oldest" },
  ],
};

describe("toFlowElements", () => {
  it("maps every component to a node and every input to a queue edge, with static data only", () => {
    const { nodes, edges } = toFlowElements(diamond, { src: { x: 0, y: 40 }, a: { x: 300, y: 0 } });
    expect(nodes.map((n) => [n.id, n.type, n.data.role, n.data.replicas])).toEqual([
      ["src", "component", "source", 1],
      ["a", "component", "processor", 2],
      ["b", "component", "processor", 1],
      ["out", "component", "sink", 1],
    ]);
    expect(nodes[0]!.position).toEqual({ x: 0, y: 40 });
    expect(nodes[2]!.position).toEqual({ x: 0, y: 0 });
    expect(edges.map((e) => e.id)).toEqual(["src->a", "src->b", "a->out", "b->out"]);
    expect(edges[0]!.data).toEqual({ from: "src", to: "a", capacity: 500 });
    // Nothing that changes each second lives in node or edge data.
    expect(Object.keys(nodes[0]!.data).sort()).toEqual(["id", "kind", "replicas", "role"]);
  });
});
