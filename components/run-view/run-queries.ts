/**
 * The PromQL behind each chart of a run (pure). Every series is selected by the run's id and
 * pipeline, so the same strings work in Grafana against the console's Prometheus API.
 */
import type { ChartQuery } from "@/components/charts/prom-chart";

export interface RunChartQueries {
  throughput: ChartQuery[];
  latency: ChartQuery[];
  queues: ChartQuery[];
  busy: ChartQuery[];
}

const quote = (s: string) => JSON.stringify(s);

/**
 * `rateWindow` is the range of `rate()`: a few scrapes for a live run (1 s data), at least three
 * rollups for a recorded one (10 s data).
 */
export function runChartQueries(runId: string, pipeline: string, rateWindow: string, component?: string | null): RunChartQueries {
  const sel = `run_id=${quote(runId)},pipeline=${quote(pipeline)}`;
  const one = component ? `,component_id=~${quote(`${escapeRe(component)}(-[0-9]+)?`)}` : "";
  const hist = (q: number) => `histogram_quantile(${q}, sum by (le) (rate(component_processing_duration_seconds_bucket{${sel}${one}}[${rateWindow}])))`;
  return {
    throughput: [{ expr: `sum by (component_id) (rate(component_events_processed_total{${sel}}[${rateWindow}]))`, legend: ["component_id"] }],
    latency: [
      { expr: hist(0.5), name: "p50" },
      { expr: hist(0.95), name: "p95" },
      { expr: hist(0.99), name: "p99" },
    ],
    queues: [{ expr: `flowctl_edge_queue_depth{${sel}}`, legend: ["from", "to"] }],
    busy: [
      { expr: `sum by (component_id) (rate(component_busy_seconds_total{${sel}}[${rateWindow}]))`, legend: ["component_id"] },
    ],
  };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
