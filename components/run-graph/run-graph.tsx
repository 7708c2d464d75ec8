"use client";
/**
 * The pipeline as a left-to-right DAG (React Flow). Positions come from the shared stable layout
 * and never change while numbers do; with a live store, nodes and edges overlay the run's numbers.
 */
import { Background, Controls, MarkerType, ReactFlow, type NodeMouseHandler } from "@xyflow/react";
import { useMemo } from "react";
import { autoLayout } from "@/server/core/editor/auto-layout";
import type { PipelineGraph } from "@/server/services/api-types";
import { makeComponentNode } from "./component-node";
import type { LiveStore } from "./live-store";
import { makeQueueEdge } from "./queue-edge";
import { NODE_HEIGHT, NODE_WIDTH, toFlowElements } from "./to-flow-elements";
import styles from "./run-graph.module.css";

export function RunGraph({ graph, store, selected, onSelect, height }: { graph: PipelineGraph; store: LiveStore | null; selected?: string | null; onSelect?: (id: string | null) => void; height?: number }) {
  const nodeTypes = useMemo(() => ({ component: makeComponentNode(store) }), [store]);
  const edgeTypes = useMemo(() => ({ queue: makeQueueEdge(store) }), [store]);
  const positions = useMemo(() => autoLayout(graph, { nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT, rankSep: 110, nodeSep: 36 }), [graph]);
  const { nodes, edges } = useMemo(() => {
    const els = toFlowElements(graph, positions);
    return { nodes: els.nodes.map((n) => ({ ...n, selected: n.id === selected })), edges: els.edges.map((e) => ({ ...e, markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } })) };
  }, [graph, positions, selected]);
  // Tall enough for the laid-out graph at zoom 1, within sensible bounds.
  const laidOutHeight = Math.max(0, ...Object.values(positions).map((p) => p.y)) + NODE_HEIGHT;
  const canvasHeight = height ?? Math.min(560, Math.max(240, laidOutHeight + 120));
  const onNodeClick: NodeMouseHandler = (_e, node) => onSelect?.(node.id === selected ? null : node.id);
  return (
    <div className={styles.canvas} style={{ height: canvasHeight }} data-testid="run-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodeClick={onNodeClick}
        onPaneClick={() => onSelect?.(null)}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1.1 }}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} color="#e6e9ee" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
