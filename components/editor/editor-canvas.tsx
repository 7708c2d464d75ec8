"use client";
/**
 * The editor's canvas (React Flow): draws the session's graph, turns gestures into edit ops —
 * drop from the palette → add, drag between handles → connect (refused with the core's reason,
 * shown where the edge was dropped), drag → move — and reports the selection. Keyboard commands
 * (delete, copy, paste, undo) are handled by the editor around it.
 */
import { Background, BackgroundVariant, Controls, MarkerType, MiniMap, ReactFlow, useReactFlow, type EdgeChange, type FinalConnectionState, type Node, type NodeChange, type OnConnectEnd } from "@xyflow/react";
import { useCallback, useMemo, useRef, useState, type Dispatch, type DragEvent, type SetStateAction } from "react";
import { canConnect } from "@/server/core/editor/connection-rules";
import type { EditOp } from "@/server/core/editor/edit-op";
import type { EditorGraph } from "@/server/core/editor/editor-graph";
import type { DispatchResult, EditorAction } from "@/server/core/editor/editor-session";
import type { Position } from "@/server/core/editor/layout-model";
import { EditorEdge } from "./editor-edge";
import { EditorNode } from "./editor-node";
import { EDITOR_NODE_HEIGHT, EDITOR_NODE_WIDTH, flowEdges, flowNodes, type CapacityBadge, type EditorFlowEdge, type EditorFlowNode, type ElementCache } from "./flow-elements";
import { PALETTE_MIME } from "./palette-model";
import type { TextCheck } from "./use-editor-session";
import styles from "./editor.module.css";

/** Selected node and edge ids. */
export interface Selection {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

export const EMPTY_SELECTION: Selection = { nodes: new Set(), edges: new Set() };

/** A refused gesture, shown where it happened. */
interface Refusal {
  x: number;
  y: number;
  message: string;
}

const nodeTypes = { component: EditorNode };
const edgeTypes = { flow: EditorEdge };
const defaultEdgeOptions = { markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } };

/** Fit with a margin that leaves the text as large as the canvas allows. */
export const FIT_VIEW = { padding: 0.12, maxZoom: 1.1 } as const;

const round = (p: Position): Position => ({ x: Math.round(p.x), y: Math.round(p.y) });

/** `ids` with React Flow's select changes applied. */
function applySelect(ids: ReadonlySet<string>, changes: readonly { id: string; selected: boolean }[]): Set<string> {
  const next = new Set(ids);
  for (const c of changes) {
    if (c.selected) next.add(c.id);
    else next.delete(c.id);
  }
  return next;
}

export function EditorCanvas({
  graph,
  check,
  capacity,
  selection,
  onSelection,
  act,
}: {
  graph: EditorGraph;
  check: TextCheck;
  capacity: ReadonlyMap<string, CapacityBadge>;
  selection: Selection;
  /** A state setter: gestures that change nodes and edges together update it in two steps. */
  onSelection: Dispatch<SetStateAction<Selection>>;
  act: (a: EditorAction) => DispatchResult;
}) {
  const flow = useReactFlow<EditorFlowNode, EditorFlowEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  const [dragging, setDragging] = useState<Record<string, Position>>({});
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  // Fit once on arrival when there is something to fit; an empty canvas starts at a readable zoom
  // (React Flow would otherwise zoom onto the first node dropped).
  const [fitOnInit] = useState(() => graph.nodes.length > 0);
  const nodeCache = useRef<ElementCache<EditorFlowNode>>(new Map());
  const edgeCache = useRef<ElementCache<EditorFlowEdge>>(new Map());

  const nodes = useMemo(() => {
    const r = flowNodes(graph, { byNode: check.placed.byNode, byEdge: check.placed.byEdge, selectedNodes: selection.nodes, selectedEdges: selection.edges, dragging, capacity }, nodeCache.current);
    nodeCache.current = r.cache;
    return r.nodes;
  }, [graph, check, selection, dragging, capacity]);
  const edges = useMemo(() => {
    const r = flowEdges(graph, { byEdge: check.placed.byEdge, selectedEdges: selection.edges }, edgeCache.current);
    edgeCache.current = r.cache;
    return r.edges;
  }, [graph, check, selection]);

  /** Canvas-relative point of a client position (for the refusal bubble). */
  const local = useCallback((clientX: number, clientY: number) => {
    const box = wrapper.current?.getBoundingClientRect();
    return { x: clientX - (box?.left ?? 0), y: clientY - (box?.top ?? 0) };
  }, []);

  const refuse = useCallback((clientX: number, clientY: number, message: string) => setRefusal({ ...local(clientX, clientY), message }), [local]);

  const run = useCallback(
    (op: EditOp, at: { x: number; y: number } | null): DispatchResult => {
      const result = act({ type: "edit", op, at: Date.now() });
      if (result.error && at) refuse(at.x, at.y, result.error.message);
      return result;
    },
    [act, refuse],
  );

  // Selection changes go through updaters: React Flow reports a box selection's nodes and its edges
  // in two calls within one event, and the second must start from what the first set.
  const onNodesChange = useCallback(
    (changes: NodeChange<EditorFlowNode>[]) => {
      const picks = changes.filter((c) => c.type === "select");
      const moved: Record<string, Position> = {};
      for (const c of changes) if (c.type === "position" && c.dragging && c.position) moved[c.id] = round(c.position);
      if (picks.length > 0) onSelection((prev) => ({ nodes: applySelect(prev.nodes, picks), edges: prev.edges }));
      if (Object.keys(moved).length > 0) setDragging((d) => ({ ...d, ...moved }));
    },
    [onSelection],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<EditorFlowEdge>[]) => {
      const picks = changes.filter((c) => c.type === "select");
      if (picks.length > 0) onSelection((prev) => ({ nodes: prev.nodes, edges: applySelect(prev.edges, picks) }));
    },
    [onSelection],
  );

  const onNodeDragStop = useCallback(
    (_e: unknown, _node: Node, dragged: Node[]) => {
      const positions = Object.fromEntries(dragged.map((n) => [n.id, round(n.position)]));
      setDragging({});
      if (Object.keys(positions).length > 0) run({ kind: "move", positions }, null);
    },
    [run],
  );

  const onConnectEnd: OnConnectEnd = useCallback(
    (event, state: FinalConnectionState) => {
      const point = "changedTouches" in event ? event.changedTouches[0]! : event;
      if (!state.fromNode) return;
      // Dropped on a node's body rather than a handle: that node is the other end.
      let other = state.toNode?.id;
      if (!other) {
        const hit = document.elementFromPoint(point.clientX, point.clientY)?.closest<HTMLElement>(".react-flow__node");
        other = hit?.dataset.id;
      }
      if (!other) return; // dropped on the empty canvas: nothing was attempted
      const fromSource = state.fromHandle?.type !== "target";
      const from = fromSource ? state.fromNode.id : other;
      const to = fromSource ? other : state.fromNode.id;
      const verdict = canConnect(graph, from, to);
      if (!verdict.ok) refuse(point.clientX, point.clientY, verdict.reason);
      else run({ kind: "connect", from, to }, { x: point.clientX, y: point.clientY });
    },
    [graph, refuse, run],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(PALETTE_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const raw = e.dataTransfer.getData(PALETTE_MIME);
      if (!raw) return;
      e.preventDefault();
      e.stopPropagation();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const position = round({ x: p.x - EDITOR_NODE_WIDTH / 2, y: p.y - EDITOR_NODE_HEIGHT / 2 });
      const spec = JSON.parse(raw) as Omit<Extract<EditOp, { kind: "add-component" }>, "kind" | "position">;
      const before = new Set(graph.nodes.map((n) => n.id));
      const result = run({ kind: "add-component", ...spec, position }, { x: e.clientX, y: e.clientY });
      const added = result.session.graph.nodes.filter((n) => !before.has(n.id)).map((n) => n.id);
      if (added.length > 0) onSelection({ nodes: new Set(added), edges: new Set() });
    },
    [flow, graph, run, onSelection],
  );

  return (
    <div className={styles.canvas} ref={wrapper} onDragOver={onDragOver} onDrop={onDrop} data-testid="editor-canvas">
      <ReactFlow<EditorFlowNode, EditorFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onConnectStart={() => setRefusal(null)}
        onConnectEnd={onConnectEnd}
        onPaneClick={() => {
          setRefusal(null);
          onSelection(EMPTY_SELECTION);
        }}
        onMoveStart={() => setRefusal(null)}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Shift", "Meta", "Control"]}
        connectionRadius={28}
        fitView={fitOnInit}
        defaultViewport={{ x: 24, y: 24, zoom: 0.75 }}
        fitViewOptions={FIT_VIEW}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={18} color="#d5dae2" />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable nodeColor={(n) => (n.data.severity === "error" ? "#d64545" : n.data.role === "source" ? "#2f7de1" : n.data.role === "sink" ? "#e07b28" : "#8a5cf5")} ariaLabel="Minimap" style={{ width: 150, height: 96 }} />
      </ReactFlow>
      {refusal && (
        <div className={styles.refusal} style={{ left: refusal.x, top: refusal.y }} role="alert" data-testid="connect-refusal" onClick={() => setRefusal(null)}>
          {refusal.message}
        </div>
      )}
    </div>
  );
}
