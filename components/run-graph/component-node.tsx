"use client";
/** A component on the run graph: static identity from node data, live overlay from the store. */
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { bandColor, fillBand, healthBand } from "@/components/ui/bands";
import { formatMs, formatPercent, formatRate } from "@/components/ui/format";
import { useBottleneck, useLiveComponent, type LiveStore } from "./live-store";
import type { ComponentFlowNode } from "./to-flow-elements";
import styles from "./run-graph.module.css";

/** Built per store, so the node type stays stable for React Flow across renders. */
export function makeComponentNode(store: LiveStore | null) {
  function ComponentNode({ data, selected }: NodeProps<ComponentFlowNode>) {
    const live = useLiveComponent(store, data.id);
    const bottleneck = useBottleneck(store);
    const isBottleneck = bottleneck?.kind === "component" && bottleneck.id === data.id;
    const band = live ? healthBand(live.health, live.status) : "idle";
    const busy = live?.busy ?? null;
    const bp = live?.backpressured ?? null;
    return (
      <div
        className={`${styles.node} ${selected ? styles.selected : ""} ${isBottleneck ? styles.bottleneck : ""}`}
        data-role={data.role}
        data-testid={`node-${data.id}`}
        data-bottleneck={isBottleneck ? "true" : undefined}
        data-out-rate={live?.outRate ?? undefined}
        data-in-rate={live?.inRate ?? undefined}
      >
        {data.role !== "source" && <Handle type="target" position={Position.Left} className={styles.handle} isConnectable={false} />}
        <div className={styles.top}>
          <span className={styles.dot} style={{ background: bandColor(band) }} title={live ? `${live.status}, ${live.health}` : "no data yet"} />
          <span className={styles.id} title={data.id}>
            {data.id}
          </span>
          {isBottleneck && <span className={styles.tag}>bottleneck</span>}
          {data.replicas > 1 && <span className={styles.replicas}>×{data.replicas}</span>}
        </div>
        <div className={styles.kind}>
          <span>{data.kind}</span>
          <span>{live ? (live.restarts > 0 ? `${live.restarts} restart${live.restarts > 1 ? "s" : ""}` : live.status) : store ? "—" : data.role}</span>
        </div>
        {!store ? (
          // A pipeline version, not a run: its settings instead of numbers.
          <div className={styles.kind}>
            <span>{data.replicas > 1 ? `${data.replicas} replicas` : "1 instance"}</span>
          </div>
        ) : (
          <>
        <div className={styles.metrics}>
          {data.role !== "source" && (
            <span>
              in <b data-testid={`in-${data.id}`}>{formatRate(live?.inRate)}</b>
            </span>
          )}
          {data.role !== "sink" && (
            <span>
              out <b data-testid={`out-${data.id}`}>{formatRate(live?.outRate)}</b>
            </span>
          )}
          <span title="95th percentile processing time">p95 {formatMs(live?.p95Ms)}</span>
        </div>
        <div className={styles.busy} title={`busy ${formatPercent(busy)}, back-pressured ${formatPercent(bp)}`}>
          <span>busy {formatPercent(busy)}</span>
          <span className={styles.bar}>
            <span style={{ width: `${Math.round((busy ?? 0) * 100)}%`, background: bandColor(fillBand(busy)) }} />
            <span style={{ width: `${Math.round((bp ?? 0) * 100)}%`, background: "var(--idle)", opacity: 0.45 }} />
          </span>
        </div>
          </>
        )}
        {data.role !== "sink" && <Handle type="source" position={Position.Right} className={styles.handle} isConnectable={false} />}
      </div>
    );
  }
  return memo(ComponentNode);
}
