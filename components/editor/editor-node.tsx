"use client";
/**
 * A component on the editor's canvas: id, what runs, replicas, its problems (badge coloured by the
 * worst severity) and, after a run, its measured capacity. Every node has both handles: dragging
 * out of a sink or into a source is refused with the reason where it is dropped, not hidden.
 */
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { formatPercent, formatRate } from "@/components/ui/format";
import type { EditorFlowNode } from "./flow-elements";
import styles from "./editor.module.css";

function EditorNodeView({ data, selected }: NodeProps<EditorFlowNode>) {
  const cap = data.capacity;
  return (
    <div
      className={`${styles.node} ${selected ? styles.nodeSelected : ""}`}
      data-role={data.role}
      data-severity={data.severity ?? undefined}
      data-testid={`editor-node-${data.id}`}
      title={data.problems.length > 0 ? data.problems.join("\n") : undefined}
    >
      <Handle type="target" position={Position.Left} className={`${styles.handle} ${data.role === "source" ? styles.handleOff : ""}`} data-testid={`in-handle-${data.id}`} />
      <div className={styles.nodeTop}>
        <span className={styles.nodeId}>{data.label}</span>
        {data.replicas > 1 && <span className={styles.nodeReplicas}>×{data.replicas}</span>}
        {data.severity && (
          <span className={styles.problemBadge} data-severity={data.severity} aria-label={`${data.problems.length} problem(s)`}>
            {data.problems.length}
          </span>
        )}
      </div>
      <div className={styles.nodeKind}>
        <span className={styles.nodeDetail}>{data.detail}</span>
        <span>{data.role}</span>
      </div>
      {cap ? (
        <div className={`${styles.nodeCapacity} ${cap.bottleneck ? styles.nodeBottleneck : ""}`} data-testid={`capacity-${data.id}`} title="Measured in the last run: events/s one replica handles at 100 % busy; estimated load with the replicas set here">
          <span>{cap.perReplica !== null ? `${formatRate(cap.perReplica)} per replica` : "capacity unknown"}</span>
          <span>{cap.bottleneck ? "bottleneck" : cap.utilisation !== null ? `${formatPercent(Math.min(cap.utilisation, 9.99))} load` : ""}</span>
        </div>
      ) : (
        data.problems[0] && <div className={styles.nodeProblem}>{data.problems[0]}</div>
      )}
      <Handle type="source" position={Position.Right} className={`${styles.handle} ${data.role === "sink" ? styles.handleOff : ""}`} data-testid={`out-handle-${data.id}`} />
    </div>
  );
}

export const EditorNode = memo(EditorNodeView);
