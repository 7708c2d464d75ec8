import { describe, expect, it } from "vitest";
import type { MetricRollupPoint } from "../../core/metric-rollup";
import { loadRollups } from "../rollups";
import { SeriesStore, type SeriesView } from "../series-store";
import { Evaluator } from "./evaluate";
import { parsePromQL } from "./parse-promql";
import { CompositeSeriesSource, type SeriesSource } from "./series-source";

const T = 1_700_000_000_000;

const points = (v: SeriesView) => Array.from({ length: v.length }, (_, i) => [v.timeAt(i) - T, v.valueAt(i)]);

function liveRun(): SeriesStore {
  const s = new SeriesStore();
  s.append("component_events_processed_total", { component_id: "sink" }, T, 10);
  s.append("component_events_processed_total", { component_id: "sink" }, T + 1000, 20);
  // Engine families already carry a pipeline label.
  s.append("flowctl_edge_queue_depth", { pipeline: "orders", from: "a", to: "b" }, T, 5);
  return s;
}

describe("CompositeSeriesSource", () => {
  it("stamps each member's labels on its series and lists every name once", () => {
    const other = new SeriesStore();
    other.append("up", {}, T, 1);
    other.append("component_events_processed_total", { component_id: "sink" }, T, 1);
    const c = new CompositeSeriesSource([
      { source: liveRun(), labels: { run_id: "r1", pipeline: "orders" } },
      { source: other, labels: { run_id: "r2", pipeline: "billing" } },
    ]);
    expect(c.names()).toEqual(["component_events_processed_total", "flowctl_edge_queue_depth", "up"]);
    expect(c.select("component_events_processed_total").map((v) => v.labels)).toEqual([
      { component_id: "sink", run_id: "r1", pipeline: "orders" },
      { component_id: "sink", run_id: "r2", pipeline: "billing" },
    ]);
  });

  it("filters on stamped labels without asking members that cannot match", () => {
    let asked = 0;
    const counting: SeriesSource = {
      select: (name, m) => {
        asked++;
        return liveRun().select(name, m);
      },
      names: () => liveRun().names(),
    };
    const c = new CompositeSeriesSource([
      { source: counting, labels: { run_id: "r1" } },
      { source: liveRun(), labels: { run_id: "r2" } },
    ]);
    expect(c.select("component_events_processed_total", { run_id: "r2" }).map((v) => v.labels.run_id)).toEqual(["r2"]);
    expect(c.select("component_events_processed_total", { run_id: { re: /r\d/ } })).toHaveLength(2);
    expect(asked).toBe(2);
  });

  it("keeps a series' own differing label as exported_<name>, as Prometheus does", () => {
    const c = new CompositeSeriesSource([{ source: liveRun(), labels: { pipeline: "renamed" } }]);
    expect(c.select("flowctl_edge_queue_depth")[0]!.labels).toEqual({ pipeline: "renamed", exported_pipeline: "orders", from: "a", to: "b" });
    expect(c.select("flowctl_edge_queue_depth", { exported_pipeline: "orders" })).toHaveLength(1);
    // The same value is not a conflict: nothing is renamed.
    const same = new CompositeSeriesSource([{ source: liveRun(), labels: { pipeline: "orders" } }]);
    expect(same.select("flowctl_edge_queue_depth")[0]!.labels).toEqual({ pipeline: "orders", from: "a", to: "b" });
  });

  it("merges the same series from a live store and its stored rollups into one, in time order", () => {
    const rollups: MetricRollupPoint[] = [
      { name: "component_events_processed_total", labels: { component_id: "sink" }, t: new Date(T - 10_000), value: 1 },
      { name: "component_events_processed_total", labels: { component_id: "sink" }, t: new Date(T), value: 999 },
    ];
    const stored = new SeriesStore();
    loadRollups(stored, rollups);
    const c = new CompositeSeriesSource([
      { source: liveRun(), labels: { run_id: "r1" } },
      { source: stored, labels: { run_id: "r1" } },
    ]);
    const [merged, ...rest] = c.select("component_events_processed_total");
    expect(rest).toEqual([]);
    // The first member wins a tie at the same millisecond.
    expect(points(merged!)).toEqual([
      [-10_000, 1],
      [0, 10],
      [1000, 20],
    ]);
  });

  it("reads through to live stores: samples appended later are visible", () => {
    const live = liveRun();
    const c = new CompositeSeriesSource([{ source: live, labels: { run_id: "r1" } }]);
    const [view] = c.select("component_events_processed_total");
    live.append("component_events_processed_total", { component_id: "sink" }, T + 2000, 30);
    expect(view!.length).toBe(3);
  });

  it("is a SeriesSource the evaluator can query by stamped label", () => {
    const c = new CompositeSeriesSource([
      { source: liveRun(), labels: { run_id: "r1" } },
      { source: liveRun(), labels: { run_id: "r2" } },
    ]);
    const v = new Evaluator(c).instant(parsePromQL('sum by (run_id) (component_events_processed_total{run_id=~"r.*"})'), T + 1000);
    expect(v).toEqual({ type: "vector", samples: [{ labels: { run_id: "r1" }, value: 20 }, { labels: { run_id: "r2" }, value: 20 }] });
  });
});
