"use client";
/** The pipelines page's table, polled every 2 s: status, live rate and trend, health, verdict. */
import { TimeAgo } from "@/components/ui/time-ago";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { apiGet } from "@/components/api/api-client";
import { runStatusBand } from "@/components/ui/bands";
import { formatDuration, formatRate } from "@/components/ui/format";
import { Sparkline } from "@/components/ui/sparkline";
import { Banner, Card, EmptyState, Pill } from "@/components/ui/ui";
import type { PipelineListItem } from "@/server/services/api-types";
import { RunControls } from "./run-controls";
import styles from "./pipelines.module.css";

export function PipelineList({ initial }: { initial: PipelineListItem[] }) {
  const q = useQuery({ queryKey: ["pipelines"], queryFn: ({ signal }) => apiGet<PipelineListItem[]>("/api/pipelines", signal), initialData: initial, refetchInterval: 2_000 });
  const pipelines = q.data;
  return (
    <Card bodyClassName={styles.tableBody}>
      {q.isError && <Banner tone="bad">{(q.error as Error).message}</Banner>}
      {pipelines.length === 0 ? (
        <EmptyState title="No pipelines yet">
          Save one with <code>curl -X PUT -H &apos;Content-Type: application/yaml&apos; --data-binary @pipeline.yaml localhost:3000/api/pipelines/&lt;name&gt;</code>, or restart the console without <code>--no-demo</code> on an empty store.
        </EmptyState>
      ) : (
        <table className={styles.table} data-testid="pipelines-table">
          <thead>
            <tr>
              <th>Pipeline</th>
              <th>Status</th>
              <th className="num">Events/s</th>
              <th>Last minute</th>
              <th>Health</th>
              <th>Diagnosis</th>
              <th>Last run</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {pipelines.map((p) => (
              <tr key={p.name} data-pipeline={p.name}>
                <td>
                  <Link href={`/pipelines/${encodeURIComponent(p.name)}`} className={styles.name}>
                    {p.name}
                  </Link>
                  <div className={styles.sub}>
                    v{p.latestVersion} · {p.componentCount} components{p.description ? ` · ${p.description}` : ""}
                  </div>
                </td>
                <td>{p.latestRun ? <Pill band={runStatusBand(p.latestRun.status)} live={p.latestRun.status === "RUNNING"}>{p.latestRun.status.toLowerCase()}</Pill> : <span className="muted">never run</span>}</td>
                <td className="num" data-testid="pipeline-rate">
                  {p.activeRunId ? formatRate(p.rate) : "—"}
                </td>
                <td>{p.activeRunId ? <Sparkline values={p.sparkline} label={`${p.name} events per second, last minute`} /> : null}</td>
                <td>{p.health ? <Pill band={p.health.healthy === p.health.total ? "ok" : "warn"}>{`${p.health.healthy}/${p.health.total} healthy`}</Pill> : <span className="muted">—</span>}</td>
                <td className={styles.verdict}>{p.bottleneck ? <Pill band={p.bottleneck === "keeps up" ? "ok" : "warn"}>{p.bottleneck}</Pill> : <span className="muted">not diagnosed</span>}</td>
                <td className={`${styles.sub} ${styles.when}`}>
                  {p.latestRun ? (
                    <Link href={`/runs/${p.latestRun.runId}`}>
                      <TimeAgo iso={p.latestRun.startedAt} /> · {formatDuration(p.latestRun.durationMs)}
                    </Link>
                  ) : (
                    "—"
                  )}
                </td>
                <td className="num">
                  <RunControls pipeline={p.name} activeRunId={p.activeRunId} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
