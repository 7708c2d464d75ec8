"use client";
/**
 * The selected component: its live numbers, configuration, restarts and events, and with replicas
 * a heat map of each instance's rate and busy share (a hot partition shows at a glance).
 */
import { useLiveComponent, type LiveStore } from "@/components/run-graph/live-store";
import { bandColor, fillBand } from "@/components/ui/bands";
import { formatClock, formatCount, formatMs, formatPercent, formatRate } from "@/components/ui/format";
import { Button, Card } from "@/components/ui/ui";
import type { GraphNode, InstanceItem, RunEventItem } from "@/server/services/api-types";
import styles from "./run-view.module.css";

export function NodeDetail({ node, store, instances, events, onClose }: { node: GraphNode; store: LiveStore; instances: InstanceItem[]; events: readonly RunEventItem[]; onClose: () => void }) {
  const live = useLiveComponent(store, node.id);
  const own = events.filter((e) => e.componentId && (e.componentId === node.id || e.componentId.startsWith(`${node.id}-`)) && e.type !== "diagnosis.finding").slice(-12).reverse();
  const maxRate = Math.max(1, ...(live?.instances.map((i) => i.rate ?? 0) ?? [0]));
  return (
    <Card
      title={
        <h2>
          {node.id} <span className="muted" style={{ fontWeight: 400 }}>· {node.role} · {node.kind}</span>
        </h2>
      }
      actions={
        <Button size="small" onClick={onClose} aria-label="Close component detail">
          Close
        </Button>
      }
    >
      <div data-testid="node-detail" style={{ display: "grid", gridTemplateColumns: "1fr 1fr", gap: 18 }}>
        <dl className={styles.kv}>
          <dt>status</dt>
          <dd>
            {live?.status ?? "—"} · {live?.health ?? "—"}
          </dd>
          <dt>in / out</dt>
          <dd>
            {formatRate(live?.inRate)} / {formatRate(live?.outRate)}
          </dd>
          <dt>p50 / p95 / p99</dt>
          <dd>
            {formatMs(live?.p50Ms)} / {formatMs(live?.p95Ms)} / {formatMs(live?.p99Ms)}
          </dd>
          <dt>busy / idle / back-pressured</dt>
          <dd>
            {formatPercent(live?.busy)} / {formatPercent(live?.idle)} / {formatPercent(live?.backpressured)}
          </dd>
          <dt>events in / out</dt>
          <dd>
            {formatCount(live?.eventsIn)} / {formatCount(live?.eventsOut)}
          </dd>
          <dt>errors · restarts</dt>
          <dd>
            {formatCount(live?.errors)} · {live?.restarts ?? 0}
          </dd>
          <dt>replicas · restart policy</dt>
          <dd>
            {node.replicas} · {node.restartPolicy}
          </dd>
          <dt>queue capacity</dt>
          <dd>{formatCount(node.queueCapacity)}</dd>
        </dl>
        <div>
          <h3>Environment</h3>
          {Object.keys(node.env).length === 0 ? (
            <p className="muted">none</p>
          ) : (
            <dl className={styles.kv}>
              {Object.entries(node.env).map(([k, v]) => (
                <div key={k} style={{ display: "contents" }}>
                  <dt className="mono">{k}</dt>
                  <dd className="mono">{v}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      </div>
      {live && live.instances.length > 1 && (
        <>
          <h3 style={{ marginTop: 16 }}>Instances — rate and busy share</h3>
          <div className={styles.heat} data-testid="replica-heatmap">
            {live.instances.map((i) => {
              const share = (i.rate ?? 0) / maxRate;
              return (
                <div key={i.id} className={styles.cell} style={{ background: bandColor(fillBand(i.busy)), opacity: 0.45 + 0.55 * share }} title={`${i.id}: ${formatRate(i.rate)}, busy ${formatPercent(i.busy)}, ${i.status}`}>
                  <b>{i.id}</b>
                  <span>{formatRate(i.rate)}</span>
                  <span>busy {formatPercent(i.busy)}</span>
                </div>
              );
            })}
          </div>
        </>
      )}
      {instances.length > 0 && (
        <>
          <h3 style={{ marginTop: 16 }}>Processes</h3>
          <table className={styles.totals}>
            <thead>
              <tr>
                <th>instance</th>
                <th>pid</th>
                <th>state</th>
                <th className="num">restarts</th>
                <th>endpoint</th>
              </tr>
            </thead>
            <tbody>
              {instances.map((i) => (
                <tr key={i.instanceId}>
                  <td className="mono">{i.instanceId}</td>
                  <td className="mono">{i.pid ?? "—"}</td>
                  <td>{i.status}</td>
                  <td className="num">{i.restarts}</td>
                  <td className="mono">{i.endpoint ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3 style={{ marginTop: 16 }}>Events</h3>
      {own.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <ol className={styles.findings}>
          {own.map((e, i) => (
            <li key={`${e.at}-${i}`}>
              <span className={styles.time}>{formatClock(e.at)}</span>
              <span>{e.message}</span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
