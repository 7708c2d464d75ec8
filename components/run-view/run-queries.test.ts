import { describe, expect, it } from "vitest";
import { runChartQueries } from "./run-queries";

describe("runChartQueries", () => {
  it("selects every series by run and pipeline and uses the given rate window", () => {
    const q = runChartQueries("r-1", "orders", "15s");
    expect(q.throughput[0]!.expr).toBe('sum by (component_id) (rate(component_events_processed_total{run_id="r-1",pipeline="orders"}[15s]))');
    expect(q.queues[0]!.expr).toBe('flowctl_edge_queue_depth{run_id="r-1",pipeline="orders"}');
    expect(q.latency.map((l) => l.name)).toEqual(["p50", "p95", "p99"]);
    expect(q.latency[1]!.expr).toBe('histogram_quantile(0.95, sum by (le) (rate(component_processing_duration_seconds_bucket{run_id="r-1",pipeline="orders"}[15s])))');
  });

  it("narrows latency to one component and its replicas, escaping its id for the regex", () => {
    const q = runChartQueries("r", "p", "30s", "db.sink");
    expect(q.latency[0]!.expr).toContain('component_id=~"db\\\\.sink(-[0-9]+)?"');
  });
});
