"use client";
/** A data-flow edge of the editor: red or amber when a diagnostic is about it (a cycle's closing edge). */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import { EDITOR_NODE_HEIGHT, type EditorFlowEdge } from "./flow-elements";
import styles from "./editor.module.css";

/**
 * An edge that runs right to left (one closing a cycle, or after the user dragged nodes past each
 * other) as a loop under its two ends: a plain bezier would double back over both nodes and hide
 * behind the forward edge between them. It runs in the gap below the row (rows are 28 apart).
 */
function backwardPath(sx: number, sy: number, tx: number, ty: number): [string, number, number] {
  const below = Math.max(sy, ty) + EDITOR_NODE_HEIGHT / 2 + 14;
  const bend = 44;
  return [`M ${sx} ${sy} C ${sx + bend} ${sy}, ${sx + bend} ${below}, ${sx} ${below} L ${tx} ${below} C ${tx - bend} ${below}, ${tx - bend} ${ty}, ${tx} ${ty}`, (sx + tx) / 2, below];
}

function EditorEdgeView({ id, source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd }: EdgeProps<EditorFlowEdge>) {
  const [path, labelX, labelY] = targetX < sourceX - 24 ? backwardPath(sourceX, sourceY, targetX, targetY) : getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  const severity = data?.severity ?? null;
  const stroke = severity === "error" ? "var(--bad)" : severity === "warning" ? "var(--warn)" : selected ? "var(--accent)" : "var(--border-strong)";
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={16} style={{ stroke, strokeWidth: selected || severity ? 2.5 : 1.75 }} />
      {severity && (
        <EdgeLabelRenderer>
          <div className={styles.edgeProblem} data-severity={severity} style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }} title={data?.problems.join("\n")} data-testid={`edge-problem-${source}-${target}`}>
            !
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const EditorEdge = memo(EditorEdgeView);
