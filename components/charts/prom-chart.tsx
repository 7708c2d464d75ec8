"use client";
/**
 * A chart of one PromQL query over a time range, read through the console's Prometheus API (so
 * Grafana pointed at the console draws the same). The query is shown under the chart, copyable.
 */
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatClock } from "@/components/ui/format";
import { CopyButton } from "./copy-button";
import { matrixToChart, seriesName, stepFor, topSeries, type PromMatrixSeries, type PromResponse } from "./prom-series";
import styles from "./charts.module.css";

const COLORS = ["#3b5bdb", "#e07b28", "#1f9d55", "#8a5cf5", "#d64545", "#0b9bb5", "#c2410c", "#6b7280", "#b5179e", "#2b8a3e"];

export interface ChartRange {
  startMs: number;
  endMs: number;
}

/** One query of a chart; `name` replaces the legend when the query returns one series. */
export interface ChartQuery {
  expr: string;
  /** Labels naming each series in the legend. */
  legend?: readonly string[];
  name?: string;
}

export interface PromChartProps {
  title: string;
  queries: readonly ChartQuery[];
  range: ChartRange;
  /** Refetch every this many ms (live runs); off for a fixed range. */
  refreshMs?: number;
  format?: (v: number) => string;
  /** A horizontal line (a queue's capacity). */
  reference?: { value: number; label: string };
  /** A vertical marker (the scrubber's moment). */
  marker?: number;
  /** Most lines drawn: the series with the highest peaks (the query under the chart has them all). @default 8 */
  maxSeries?: number;
}

/** `/api/v1/query_range` for one query: its matrix, or the Prometheus error as an Error. */
export async function queryRange(expr: string, range: ChartRange, step: number, signal?: AbortSignal): Promise<PromMatrixSeries[]> {
  const params = new URLSearchParams({ query: expr, start: String(range.startMs / 1000), end: String(range.endMs / 1000), step: String(step) });
  const res = await fetch(`/api/v1/query_range?${params}`, { signal: signal ?? null });
  const body = (await res.json()) as PromResponse;
  if (body.status !== "success" || !body.data) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.data.result as PromMatrixSeries[];
}

export function PromChart({ title, queries, range, refreshMs, format = (v) => String(Math.round(v * 100) / 100), reference, marker, maxSeries = 8 }: PromChartProps) {
  const step = stepFor(range.endMs - range.startMs);
  const q = useQuery({
    queryKey: ["query_range", queries, Math.floor(range.startMs / (step * 1000)), Math.floor(range.endMs / (step * 1000)), step],
    queryFn: async ({ signal }) => {
      const results = await Promise.all(queries.map((cq) => queryRange(cq.expr, range, step, signal)));
      // Every series gets its display name here, from its own query's legend (or fixed name).
      const named = results.flatMap((series, i) => {
        const cq = queries[i]!;
        return series.map((s) => ({ ...s, metric: { name: cq.name && series.length === 1 ? cq.name : seriesName(s.metric, cq.legend) } }));
      });
      const { kept, hidden } = topSeries(named, maxSeries);
      return { ...matrixToChart(kept, ["name"]), hidden, total: named.length };
    },
    refetchInterval: refreshMs ?? false,
    placeholderData: (prev) => prev,
  });
  const data = q.data;
  return (
    <figure className={styles.chart} data-testid={`chart-${title}`} style={{ margin: 0 }}>
      <div className={styles.head}>
        <h4>{title}</h4>
        {data && data.hidden > 0 ? (
          <span className={styles.note} data-testid="chart-top-note">
            top {data.series.length} of {data.total} by peak
          </span>
        ) : null}
      </div>
      <div className={styles.plot}>
        {data && data.rows.length > 0 ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data.rows} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#eef0f3" vertical={false} />
              <XAxis dataKey="t" type="number" domain={[range.startMs, range.endMs]} tickFormatter={(t: number) => formatClock(t)} tick={{ fontSize: 11, fill: "#7a8291" }} minTickGap={40} />
              <YAxis tickFormatter={format} tick={{ fontSize: 11, fill: "#7a8291" }} width={56} />
              <Tooltip labelFormatter={(t) => formatClock(Number(t))} formatter={(v) => (typeof v === "number" ? format(v) : String(v))} contentStyle={{ fontSize: 12 }} />
              {data.series.length > 1 && <Legend wrapperStyle={{ fontSize: 11.5 }} iconType="plainline" />}
              {reference && <ReferenceLine y={reference.value} stroke="#d64545" strokeDasharray="4 3" label={{ value: reference.label, fontSize: 10.5, fill: "#d64545", position: "insideTopRight" }} />}
              {marker !== undefined && <ReferenceLine x={marker} stroke="#3b5bdb" strokeWidth={1.5} />}
              {data.series.map((s, i) => (
                <Line key={s} dataKey={s} name={s} stroke={COLORS[i % COLORS.length]} dot={false} strokeWidth={1.6} isAnimationActive={false} connectNulls={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        ) : null}
        {q.isError ? <div className={styles.state}>Query failed: {(q.error as Error).message}</div> : !data ? <div className={styles.state}>Loading…</div> : data.rows.length === 0 ? <div className={styles.state}>No data in this range yet.</div> : null}
      </div>
      {queries.map((cq) => (
        <figcaption key={cq.expr} className={styles.query}>
          <code title={cq.expr}>{cq.expr}</code>
          <CopyButton text={cq.expr} label="copy PromQL" />
        </figcaption>
      ))}
    </figure>
  );
}
