/** Runs as a table: status, version, when, how long, events, verdict. */
import Link from "next/link";
import { TimeAgo } from "@/components/ui/time-ago";
import { runStatusBand } from "@/components/ui/bands";
import { formatCount, formatDuration, formatRate } from "@/components/ui/format";
import { EmptyState, Pill } from "@/components/ui/ui";
import type { RunListItem } from "@/server/services/api-types";

export function RunTable({ runs, showPipeline = true }: { runs: RunListItem[]; showPipeline?: boolean }) {
  if (runs.length === 0) return <EmptyState title="No runs match" />;
  return (
    <table data-testid="runs-table">
      <thead>
        <tr>
          <th>run</th>
          {showPipeline && <th>pipeline</th>}
          <th>status</th>
          <th>version</th>
          <th>started</th>
          <th className="num">duration</th>
          <th className="num">events</th>
          <th className="num">rate</th>
          <th>diagnosis</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.runId} data-run={r.runId}>
            <td>
              <Link href={`/runs/${r.runId}`} className="mono">
                {r.runId.slice(0, 8)}
              </Link>
            </td>
            {showPipeline && (
              <td>
                <Link href={`/pipelines/${encodeURIComponent(r.pipelineName)}`}>{r.pipelineName}</Link>
              </td>
            )}
            <td>
              <Pill band={runStatusBand(r.status)} live={r.status === "RUNNING" && r.owned} title={r.error ?? undefined}>
                {r.status.toLowerCase()}
              </Pill>
            </td>
            <td>{r.version !== null ? `v${r.version}` : <span className="muted" title="started from a file with flowctl run">file</span>}</td>
            <td className="muted"><TimeAgo iso={r.startedAt} /></td>
            <td className="num">{formatDuration(r.durationMs)}</td>
            <td className="num">{formatCount(r.eventsProcessed)}</td>
            <td className="num">{formatRate(r.eventsPerSecond)}</td>
            <td>{r.verdict ? <Pill band={r.verdict === "keeps up" ? "ok" : "warn"}>{r.verdict}</Pill> : <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
