"use client";
/** Two versions on one read-only canvas: added, removed and changed components and edges highlighted. */
import { Background, BackgroundVariant, Handle, MarkerType, Panel, Position, ReactFlow, ReactFlowProvider, type Edge, type Node } from "@xyflow/react";
import { useMemo } from "react";
import { autoLayout } from "@/server/core/editor/auto-layout";
import type { DiffGraph } from "@/server/core/editor/version-diff";
import { EDITOR_LAYOUT, EDITOR_NODE_HEIGHT, EDITOR_NODE_WIDTH } from "@/components/editor/flow-elements";
import styles from "./versions.module.css";

type DiffNodeData = { id: string; role: string; status: string; detail: string; fields: string[] };

function DiffNode({ data }: { data: DiffNodeData }) {
  return (
    <div className={styles.diffNode} data-status={data.status} data-role={data.role} data-testid={`diff-node-${data.id}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} className={styles.diffHandle} />
      <div className={styles.diffNodeTop}>
        <b>{data.id}</b>
        {data.status !== "unchanged" && <span className={styles.diffTag}>{data.status}</span>}
      </div>
      <div className="muted">{data.detail}</div>
      {data.fields.length > 0 && <div className={styles.diffFields}>{data.fields.join(", ")}</div>}
      <Handle type="source" position={Position.Right} isConnectable={false} className={styles.diffHandle} />
    </div>
  );
}

const nodeTypes = { diff: DiffNode };
const COLORS: Record<string, string> = { added: "var(--ok)", removed: "var(--bad)", changed: "var(--warn)", unchanged: "var(--border-strong)" };

export function DiffGraphView({ graph }: { graph: DiffGraph }) {
  const diff = useMemo(() => {
    // One layout for the union, so removed components sit where they belong in the flow.
    const positions = autoLayout(graph, EDITOR_LAYOUT);
    const nodes: Node<DiffNodeData, "diff">[] = graph.nodes.map((n) => ({
      id: n.id,
      type: "diff",
      position: positions[n.id] ?? { x: 0, y: 0 },
      data: { id: n.label, role: n.role, status: n.status, detail: n.detail ?? n.kind, fields: n.changedFields ?? [] },
      width: EDITOR_NODE_WIDTH,
      height: EDITOR_NODE_HEIGHT,
      draggable: false,
      connectable: false,
    }));
    const edges: Edge[] = graph.edges.map((e) => ({
      id: `${e.id}:${e.status}`,
      source: e.from,
      target: e.to,
      style: { stroke: COLORS[e.status], strokeWidth: e.status === "unchanged" ? 1.5 : 2.5, strokeDasharray: e.status === "removed" ? "6 4" : undefined },
      markerEnd: { type: MarkerType.ArrowClosed, color: COLORS[e.status] },
      data: { status: e.status },
      className: `diff-edge-${e.status}`,
    }));
    const counts = { added: 0, removed: 0, changed: 0 };
    for (const x of [...graph.nodes, ...graph.edges]) if (x.status !== "unchanged") counts[x.status]++;
    return { nodes, edges, counts };
  }, [graph]);
  const { counts } = diff;
  return (
    <div className={styles.diffCanvas} data-testid="diff-graph">
      <ReactFlowProvider>
        <ReactFlow nodes={diff.nodes} edges={diff.edges} nodeTypes={nodeTypes} fitView fitViewOptions={{ padding: 0.15, maxZoom: 1 }} nodesDraggable={false} nodesConnectable={false} elementsSelectable={false} minZoom={0.1} proOptions={{ hideAttribution: true }}>
          <Background variant={BackgroundVariant.Dots} gap={18} color="#d5dae2" />
          <Panel position="top-left" className={styles.legend} data-testid="diff-legend">
            {(["added", "removed", "changed"] as const).map((k) => (
              <span key={k} data-status={k}>
                <i />
                {k} {counts[k]}
              </span>
            ))}
          </Panel>
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
