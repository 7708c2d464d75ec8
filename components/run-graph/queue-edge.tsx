"use client";
/** An edge of the run graph: its bounded queue's throughput and fill, coloured by NiFi's bands. */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import { bandColor, fillBand } from "@/components/ui/bands";
import { formatCount, formatRate } from "@/components/ui/format";
import { useBottleneck, useLiveEdge, type LiveStore } from "./live-store";
import type { QueueFlowEdge } from "./to-flow-elements";
import styles from "./run-graph.module.css";

export function makeQueueEdge(store: LiveStore | null) {
  function QueueEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd }: EdgeProps<QueueFlowEdge>) {
    const from = data?.from ?? "";
    const to = data?.to ?? "";
    const live = useLiveEdge(store, from, to);
    const bottleneck = useBottleneck(store);
    const isBottleneck = bottleneck?.kind === "edge" && bottleneck.from === from && bottleneck.to === to;
    const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
    const band = fillBand(live?.fill);
    const stroke = isBottleneck ? "var(--bad)" : live ? bandColor(band) : "var(--border-strong)";
    const capacity = live?.capacity ?? data?.capacity ?? 0;
    return (
      <>
        <BaseEdge id={id} path={path} markerEnd={markerEnd} style={{ stroke, strokeWidth: isBottleneck ? 3 : 2, opacity: live ? 1 : 0.6 }} />
        {store && (
          <EdgeLabelRenderer>
            <div
              className={`${styles.edgeLabel} ${isBottleneck ? styles.edgeLabelBottleneck : ""}`}
              style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
              data-testid={`edge-${from}-${to}`}
              data-band={band}
              data-fill={live?.fill ?? undefined}
            >
              <span className={styles.edgeRate}>{formatRate(live?.rate)}</span>
              <span className={styles.fill} title={`queue ${formatCount(live?.depth)} of ${formatCount(capacity)}`}>
                <span style={{ width: `${Math.round(Math.min(1, live?.fill ?? 0) * 100)}%`, background: bandColor(band) }} />
              </span>
              <span className={styles.edgeDepth}>
                {formatCount(live?.depth ?? 0)}/{formatCount(capacity)}
                {live && live.dropped > 0 ? ` · ${formatCount(live.dropped)} dropped` : ""}
              </span>
            </div>
          </EdgeLabelRenderer>
        )}
      </>
    );
  }
  return memo(QueueEdge);
}
