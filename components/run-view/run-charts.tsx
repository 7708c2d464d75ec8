"use client";
/** The run's charts over a chosen range: throughput, latency percentiles, queues, busy share. */
import { useEffect, useState } from "react";
import { PromChart, type ChartRange } from "@/components/charts/prom-chart";
import chartStyles from "@/components/charts/charts.module.css";
import { formatMs, formatPercent, formatRate } from "@/components/ui/format";
import { Card } from "@/components/ui/ui";
import { runChartQueries } from "./run-queries";

const RANGES = [
  { label: "5 min", ms: 5 * 60_000 },
  { label: "15 min", ms: 15 * 60_000 },
  { label: "1 h", ms: 3600_000 },
  { label: "whole run", ms: 0 },
] as const;

export function RunCharts({ runId, pipeline, startedAt, endedAt, live, component, marker }: { runId: string; pipeline: string; startedAt: number; endedAt: number | null; live: boolean; component: string | null; marker?: number }) {
  const [rangeIndex, setRangeIndex] = useState(live ? 0 : 3);
  const [now, setNow] = useState(() => Date.now());
  // A live range's end moves forward with the refetches.
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(t);
  }, [live]);
  const chosen = RANGES[rangeIndex]!;
  const end = live ? now : (endedAt ?? now);
  const range: ChartRange = { startMs: chosen.ms === 0 ? startedAt : Math.max(startedAt, end - chosen.ms), endMs: end };
  // Live data is scraped every second; a recorded run has 10 s rollups, so rates need 30 s.
  const q = runChartQueries(runId, pipeline, live ? "15s" : "30s", component);
  const refresh = live ? 5_000 : undefined;
  return (
    <Card
      title="Metrics"
      actions={
        <div className={chartStyles.ranges} role="group" aria-label="Chart range">
          {RANGES.map((r, i) => (
            <button
              key={r.label}
              type="button"
              aria-pressed={i === rangeIndex}
              onClick={() => {
                setRangeIndex(i);
                setNow(Date.now());
              }}
            >
              {r.label}
            </button>
          ))}
        </div>
      }
    >
      <div className={chartStyles.grid}>
        <PromChart title="Throughput per component" queries={q.throughput} range={range} refreshMs={refresh} format={formatRate} marker={marker} />
        <PromChart title={`Latency${component ? ` — ${component}` : " — all components"}`} queries={q.latency} range={range} refreshMs={refresh} format={(v) => formatMs(v * 1000)} marker={marker} />
        <PromChart title="Queue depth per edge" queries={q.queues} range={range} refreshMs={refresh} format={(v) => String(Math.round(v))} marker={marker} />
        <PromChart title="Busy share per component" queries={q.busy} range={range} refreshMs={refresh} format={formatPercent} marker={marker} />
      </div>
    </Card>
  );
}
