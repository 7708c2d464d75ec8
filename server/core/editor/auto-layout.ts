/**
 * Left-to-right DAG layout (dagre), shared by the editor's auto-layout and the console's live
 * view so a pipeline looks the same in both. Stable: the same nodes and edges give the same
 * positions whatever order the YAML declares them in (input is sorted, output rounded).
 */
import dagre from "@dagrejs/dagre";
import type { EditorGraph } from "./editor-graph";
import type { EditorLayout, Position } from "./layout-model";

/** Node box and spacing, in canvas units. */
export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  /** Horizontal gap between ranks (columns). */
  rankSep?: number;
  /** Vertical gap between nodes of one rank. */
  nodeSep?: number;
}

const DEFAULTS: Required<LayoutOptions> = { nodeWidth: 200, nodeHeight: 64, rankSep: 80, nodeSep: 32 };

type GraphShape = Pick<EditorGraph, "nodes" | "edges"> | { nodes: readonly { id: string }[]; edges: readonly { from: string; to: string }[] };

/** Top-left positions of every node, sources on the left, sinks on the right. */
export function autoLayout(graph: GraphShape, options: LayoutOptions = {}): Record<string, Position> {
  const o = { ...DEFAULTS, ...options };
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: "LR", ranksep: o.rankSep, nodesep: o.nodeSep, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = graph.nodes.map((n) => n.id).sort();
  for (const id of ids) g.setNode(id, { width: o.nodeWidth, height: o.nodeHeight });
  const known = new Set(ids);
  const edges = graph.edges.filter((e) => known.has(e.from) && known.has(e.to)).map((e) => [e.from, e.to] as const);
  edges.sort((a, b) => (a[0] === b[0] ? cmp(a[1], b[1]) : cmp(a[0], b[0])));
  for (const [from, to] of edges) g.setEdge(from, to);
  dagre.layout(g);
  const out: Record<string, Position> = {};
  for (const id of ids) {
    const n = g.node(id);
    out[id] = { x: Math.round((n.x ?? 0) - o.nodeWidth / 2), y: Math.round((n.y ?? 0) - o.nodeHeight / 2) };
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Positions for the nodes `layout` does not place yet (added in the YAML, pasted without
 * positions), leaving every placed node where the user put it: a new node goes one column right
 * of its inputs (or left of its outputs), moved down until it overlaps nothing. With nothing
 * placed at all, the whole graph is auto-laid out.
 */
export function placeNewNodes(graph: GraphShape, layout: EditorLayout, options: LayoutOptions = {}): Record<string, Position> {
  const o = { ...DEFAULTS, ...options };
  const missing = graph.nodes.filter((n) => !layout.positions[n.id]).map((n) => n.id);
  if (missing.length === 0) return {};
  const placed = graph.nodes.filter((n) => layout.positions[n.id]);
  if (placed.length === 0) return autoLayout(graph, options);
  const pos = new Map<string, Position>(placed.map((n) => [n.id, layout.positions[n.id]!]));
  // Upstream first, so a chain of new nodes is placed left to right (no full layout: it is per edit).
  const rank = topologicalRank(graph);
  missing.sort((a, b) => rank.get(a)! - rank.get(b)!);
  const colStep = o.nodeWidth + o.rankSep;
  const rowStep = o.nodeHeight + o.nodeSep;
  const out: Record<string, Position> = {};
  for (const id of missing) {
    const ins = graph.edges.filter((e) => e.to === id && pos.has(e.from)).map((e) => pos.get(e.from)!);
    const outs = graph.edges.filter((e) => e.from === id && pos.has(e.to)).map((e) => pos.get(e.to)!);
    let at: Position;
    if (ins.length > 0) at = { x: Math.max(...ins.map((p) => p.x)) + colStep, y: mean(ins.map((p) => p.y)) };
    else if (outs.length > 0) at = { x: Math.min(...outs.map((p) => p.x)) - colStep, y: mean(outs.map((p) => p.y)) };
    else at = { x: Math.min(...[...pos.values()].map((p) => p.x)), y: Math.max(...[...pos.values()].map((p) => p.y)) + rowStep };
    at = { x: Math.round(at.x), y: Math.round(at.y) };
    while ([...pos.values()].some((p) => Math.abs(p.x - at.x) < o.nodeWidth && Math.abs(p.y - at.y) < o.nodeHeight)) at = { x: at.x, y: at.y + rowStep };
    pos.set(id, at);
    out[id] = at;
  }
  return out;
}

/** Position of each node in a topological order (Kahn, declaration order on ties; cycle members last). */
function topologicalRank(graph: GraphShape): Map<string, number> {
  const indegree = new Map(graph.nodes.map((n) => [n.id, 0]));
  for (const e of graph.edges) if (indegree.has(e.from) && indegree.has(e.to)) indegree.set(e.to, indegree.get(e.to)! + 1);
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const rank = new Map<string, number>();
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    rank.set(id, i);
    for (const e of graph.edges) {
      if (e.from !== id || !indegree.has(e.to)) continue;
      const d = indegree.get(e.to)! - 1;
      indegree.set(e.to, d);
      if (d === 0) ready.push(e.to);
    }
  }
  for (const n of graph.nodes) if (!rank.has(n.id)) rank.set(n.id, rank.size);
  return rank;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
