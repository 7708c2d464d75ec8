"use client";
/**
 * A run, live or recorded, on one page. Live: an SSE stream feeds the graph's overlays, the
 * diagnosis and the events every second. Recorded (finished, or run by another process): the
 * time scrubber sets the same overlays to any moment from the stored rollups.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import { createLiveStore, useLiveRunState } from "@/components/run-graph/live-store";
import { RunGraph } from "@/components/run-graph/run-graph";
import { runStatusBand } from "@/components/ui/bands";
import { formatCount, formatDuration, formatRate } from "@/components/ui/format";
import { Banner, Card, EmptyState, PageHeader, Pill } from "@/components/ui/ui";
import type { RunDetail, RunEventItem } from "@/server/services/api-types";
import { BottleneckPanel } from "./bottleneck-panel";
import { FindingsList } from "./findings-list";
import { LogPanel } from "./log-panel";
import { NodeDetail } from "./node-detail";
import { RunActions } from "./run-actions";
import { RunCharts } from "./run-charts";
import { TimeScrubber } from "./time-scrubber";
import { useRunStream } from "./use-run-stream";
import styles from "./run-view.module.css";

export function RunView({ run, initialEvents }: { run: RunDetail; initialEvents: RunEventItem[] }) {
  const router = useRouter();
  const store = useMemo(() => createLiveStore(), []);
  const live = run.owned && (run.status === "RUNNING" || run.status === "STARTING");
  const [selected, setSelected] = useState<string | null>(null);
  const [logComponent, setLogComponent] = useState<string>(run.graph?.nodes[0]?.id ?? "");
  const [moment, setMoment] = useState<number | undefined>(undefined);
  const onEnd = useCallback(() => router.refresh(), [router]);
  const { state, events } = useRunStream(run.runId, store, live, initialEvents, onEnd);
  // The engine's own state while live (starting → running → draining…), the record's otherwise.
  // The state alone: subscribing to the whole frame re-rendered the page, graph and charts every second.
  const liveState = useLiveRunState(store);
  const status = live && liveState ? liveState : run.status.toLowerCase();
  const startMs = Date.parse(run.startedAt);
  const endMs = run.endedAt ? Date.parse(run.endedAt) : Date.now();
  const node = run.graph?.nodes.find((n) => n.id === selected) ?? null;
  const select = (id: string | null) => {
    setSelected(id);
    if (id) setLogComponent(id);
  };
  return (
    <>
      <PageHeader
        title={
          <>
            <Link href={`/pipelines/${encodeURIComponent(run.pipelineName)}`} style={{ color: "inherit" }}>
              {run.pipelineName}
            </Link>{" "}
            <span className="muted" style={{ fontWeight: 400 }}>
              run <span className={styles.idLink}>{run.runId.slice(0, 8)}</span>
            </span>
          </>
        }
        subtitle={
          <span className={styles.meta}>
            <Pill band={runStatusBand(status.toUpperCase())} live={live}>
              <span data-testid="run-status">{status}</span>
            </Pill>
            {run.version !== null && <span>version {run.version}</span>}
            <span>started {new Date(run.startedAt).toLocaleString("en-GB")}</span>
            <span>{formatDuration(run.durationMs)}</span>
            <span>
              <b>{formatCount(run.eventsProcessed)}</b> events at the sinks{run.eventsPerSecond ? ` (${formatRate(run.eventsPerSecond)})` : ""}
            </span>
            {live && <span className="muted">{state === "open" ? "live" : state === "reconnecting" ? "reconnecting…" : "connecting…"}</span>}
            {!run.owned && run.status === "RUNNING" && <span className="muted">run by another process — showing its stored metrics</span>}
          </span>
        }
        actions={<RunActions runId={run.runId} live={live} canRestart={run.owned || run.pipelineVersionId !== null} />}
      />
      {run.error && (
        <div className={styles.error}>
          <Banner tone="bad">
            <div>
              <b>This run {run.status === "INTERRUPTED" ? "was interrupted" : "failed"}.</b> {run.error.split("\n")[0]}
              {run.error.includes("\n") && <pre className={styles.errorLines}>{run.error.split("\n").slice(1).join("\n")}</pre>}
            </div>
          </Banner>
        </div>
      )}
      <div className={styles.layout}>
        <div className={styles.column}>
          <div>
            {run.graph ? (
              <div style={{ border: "1px solid var(--border)", borderRadius: "var(--radius)", overflow: "hidden", background: "var(--surface)", boxShadow: "var(--shadow)" }}>
                <RunGraph graph={run.graph} store={store} selected={selected} onSelect={select} />
                {!live && <TimeScrubber runId={run.runId} store={store} startMs={startMs} endMs={endMs} onMoment={setMoment} />}
              </div>
            ) : (
              <Card>
                <EmptyState title="This run's pipeline no longer compiles">Its stored YAML is shown on the pipeline page.</EmptyState>
              </Card>
            )}
          </div>
          {node && <NodeDetail node={node} store={store} instances={run.instances.filter((i) => i.componentId === node.id)} events={events} onClose={() => setSelected(null)} />}
          <RunCharts runId={run.runId} pipeline={run.pipelineName} startedAt={startMs} endedAt={run.endedAt ? endMs : null} live={live} component={selected} marker={moment} />
          {run.graph && <LogPanel runId={run.runId} components={run.graph.nodes.map((n) => n.id)} selected={logComponent} onSelect={setLogComponent} live={live} />}
        </div>
        <div className={styles.column}>
          <BottleneckPanel store={store} live={live} />
          <FindingsList store={store} events={events} until={live ? undefined : moment} />
          <Totals run={run} />
        </div>
      </div>
    </>
  );
}

function Totals({ run }: { run: RunDetail }) {
  if (run.totals.length === 0) return null;
  return (
    <Card title={run.owned ? "Counters" : "Account"} bodyClassName={styles.scrollX}>
      <table className={styles.totals}>
        <thead>
          <tr>
            <th>component</th>
            <th className="num">in</th>
            <th className="num">out</th>
            <th className="num" title="errors">err</th>
            <th className="num">dropped</th>
          </tr>
        </thead>
        <tbody>
          {run.totals.map((t) => (
            <tr key={t.id}>
              <td>{t.id}</td>
              <td className="num">{formatCount(t.eventsIn)}</td>
              <td className="num">{formatCount(t.eventsOut)}</td>
              <td className="num">{formatCount(t.errors)}</td>
              <td className="num">{formatCount(t.dropped)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
