/**
 * A pipeline graph as React Flow elements (pure): one `component` node per component at its laid
 * out position, one `queue` edge per input. Node and edge data carry only what never changes
 * while a run goes on; live numbers come from the live store.
 */
import type { Edge, Node } from "@xyflow/react";
import type { ComponentRole, PipelineGraph } from "@/server/services/api-types";

/** Size of a component node on the canvas (the layout uses the same box). */
export const NODE_WIDTH = 216;
export const NODE_HEIGHT = 92;

export type ComponentNodeData = { id: string; role: ComponentRole; kind: string; replicas: number };
export type ComponentFlowNode = Node<ComponentNodeData, "component">;
export type QueueEdgeData = { from: string; to: string; capacity: number };
export type QueueFlowEdge = Edge<QueueEdgeData, "queue">;

/** Nodes and edges for `graph`, nodes at `positions` (top-left corners). */
export function toFlowElements(graph: PipelineGraph, positions: Readonly<Record<string, { x: number; y: number }>>): { nodes: ComponentFlowNode[]; edges: QueueFlowEdge[] } {
  const nodes: ComponentFlowNode[] = graph.nodes.map((n) => ({
    id: n.id,
    type: "component",
    position: positions[n.id] ?? { x: 0, y: 0 },
    data: { id: n.id, role: n.role, kind: n.kind, replicas: n.replicas },
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    draggable: false,
    connectable: false,
  }));
  const edges: QueueFlowEdge[] = graph.edges.map((e) => ({
    id: `${e.from}->${e.to}`,
    source: e.from,
    target: e.to,
    type: "queue",
    data: { from: e.from, to: e.to, capacity: e.capacity },
    focusable: true,
  }));
  return { nodes, edges };
}
