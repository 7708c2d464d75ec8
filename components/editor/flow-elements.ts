/**
 * The editor's graph as React Flow elements (pure). Node and edge objects are reused from the
 * previous call when nothing they show changed, so after an edit React Flow re-renders only the
 * nodes the edit touched — what keeps a 200-component pipeline responsive.
 */
import type { Edge, Node } from "@xyflow/react";
import type { EditorGraph, NodeKind } from "@/server/core/editor/editor-graph";
import type { Position } from "@/server/core/editor/layout-model";
import type { CapacityConfidence } from "@/server/core/editor/what-if";
import type { ComponentRole, Diagnostic, Severity } from "@/server/core/spec/index";

/** Box of an editor node (auto-layout uses the same). */
export const EDITOR_NODE_WIDTH = 216;
export const EDITOR_NODE_HEIGHT = 76;
/**
 * Layout options of the editor's sessions: the node box, and columns closer than the live view's
 * (which draws metrics between them) so a pipeline fits the canvas beside the palette and the
 * inspector at a zoom where its text is readable.
 */
export const EDITOR_LAYOUT = { nodeWidth: EDITOR_NODE_WIDTH, nodeHeight: EDITOR_NODE_HEIGHT, rankSep: 72, nodeSep: 28 } as const;

/** What the last run says about a node, and what the proposed replicas would make of it. */
export interface CapacityBadge {
  /** Events/s one replica handles at 100 % busy (null: not measured). */
  perReplica: number | null;
  confidence: CapacityConfidence;
  /** Estimated load ÷ capacity with the proposed replicas. */
  utilisation: number | null;
  /** This node limits the estimated throughput. */
  bottleneck: boolean;
}

export interface EditorNodeData extends Record<string, unknown> {
  id: string;
  label: string;
  role: ComponentRole;
  kind: NodeKind;
  detail: string;
  replicas: number;
  /** Worst severity of the diagnostics placed on the node. */
  severity: Severity | null;
  problems: string[];
  capacity: CapacityBadge | null;
}
export type EditorFlowNode = Node<EditorNodeData, "component">;

export interface EditorEdgeData extends Record<string, unknown> {
  severity: Severity | null;
  problems: string[];
}
export type EditorFlowEdge = Edge<EditorEdgeData, "flow">;

/** What decorates the graph besides itself. */
export interface FlowDecorations {
  byNode: Readonly<Record<string, readonly Diagnostic[]>>;
  byEdge: Readonly<Record<string, readonly Diagnostic[]>>;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  /** Positions of nodes being dragged (not yet an edit). */
  dragging: Readonly<Record<string, Position>>;
  capacity: ReadonlyMap<string, CapacityBadge>;
}

const RANK: Record<Severity, number> = { hint: 1, warning: 2, error: 3 };

function worst(list: readonly Diagnostic[] | undefined): Severity | null {
  let w: Severity | null = null;
  for (const d of list ?? []) if (w === null || RANK[d.severity] > RANK[w]) w = d.severity;
  return w;
}

/** Previous elements by id with the signature they were built from. */
export type ElementCache<T> = Map<string, { sig: string; el: T }>;

function cached<T>(cache: ElementCache<T>, next: ElementCache<T>, id: string, sig: string, build: () => T): T {
  const hit = cache.get(id);
  const el = hit && hit.sig === sig ? hit.el : build();
  next.set(id, { sig, el });
  return el;
}

/** Flow nodes for the graph; `cache` holds the previous call's nodes and is replaced by the returned one. */
export function flowNodes(graph: EditorGraph, deco: FlowDecorations, cache: ElementCache<EditorFlowNode>): { nodes: EditorFlowNode[]; cache: ElementCache<EditorFlowNode> } {
  const next: ElementCache<EditorFlowNode> = new Map();
  const nodes = graph.nodes.map((n) => {
    const diags = deco.byNode[n.id];
    const data: EditorNodeData = {
      id: n.id,
      label: n.label,
      role: n.role,
      kind: n.kind,
      detail: n.detail ?? (n.kind === "unresolved" ? "no type, command or image" : n.kind),
      replicas: n.replicas,
      severity: worst(diags),
      problems: (diags ?? []).map((d) => d.message),
      capacity: deco.capacity.get(n.id) ?? null,
    };
    const position = deco.dragging[n.id] ?? n.position ?? { x: 0, y: 0 };
    const selected = deco.selectedNodes.has(n.id);
    const sig = `${JSON.stringify(data)}|${position.x},${position.y}|${selected ? 1 : 0}`;
    return cached(cache, next, n.id, sig, () => ({ id: n.id, type: "component" as const, position, data, selected, width: EDITOR_NODE_WIDTH, height: EDITOR_NODE_HEIGHT }));
  });
  return { nodes, cache: next };
}

/** Flow edges for the graph (same reuse as {@link flowNodes}). */
export function flowEdges(graph: EditorGraph, deco: Pick<FlowDecorations, "byEdge" | "selectedEdges">, cache: ElementCache<EditorFlowEdge>): { edges: EditorFlowEdge[]; cache: ElementCache<EditorFlowEdge> } {
  const next: ElementCache<EditorFlowEdge> = new Map();
  const edges = graph.edges.map((e) => {
    const diags = deco.byEdge[e.id];
    const data: EditorEdgeData = { severity: worst(diags), problems: (diags ?? []).map((d) => d.message) };
    const selected = deco.selectedEdges.has(e.id);
    const sig = `${e.from}|${e.to}|${JSON.stringify(data)}|${selected ? 1 : 0}`;
    return cached(cache, next, e.id, sig, () => ({ id: e.id, source: e.from, target: e.to, type: "flow" as const, data, selected }));
  });
  return { edges, cache: next };
}
