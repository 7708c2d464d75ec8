"use client";
/** A data-flow edge of the editor: red or amber when a diagnostic is about it (a cycle's closing edge). */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import type { EditorFlowEdge } from "./flow-elements";
import styles from "./editor.module.css";

function EditorEdgeView({ id, source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd }: EdgeProps<EditorFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
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
