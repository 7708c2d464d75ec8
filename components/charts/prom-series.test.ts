import { describe, expect, it } from "vitest";
import { matrixToChart, seriesName, stepFor, topSeries } from "./prom-series";

describe("matrixToChart", () => {
  it("makes one row per timestamp and one column per series, named by the legend labels", () => {
    const chart = matrixToChart(
      [
        { metric: { component_id: "sink", job: "x" }, values: [[100, "2"], [101, "3"]] },
        { metric: { component_id: "gen", job: "x" }, values: [[101, "5"], [102, "NaN"]] },
      ],
      ["component_id"],
    );
    expect(chart.series).toEqual(["gen", "sink"]);
    expect(chart.rows).toEqual([
      { t: 100_000, sink: 2 },
      { t: 101_000, sink: 3, gen: 5 },
      { t: 102_000, gen: null },
    ]);
  });

  it("keeps series with the same legend apart", () => {
    const chart = matrixToChart(
      [
        { metric: { le: "1" }, values: [[1, "1"]] },
        { metric: { le: "1" }, values: [[1, "2"]] },
      ],
      ["le"],
    );
    expect(chart.series).toEqual(["1", "1 (2)"]);
  });

  it("names a series by its labels, or its metric name when it has none", () => {
    expect(seriesName({ __name__: "up", b: "2", a: "1" })).toBe("1 → 2");
    expect(seriesName({ __name__: "up" })).toBe("up");
    expect(seriesName({ from: "a", to: "b" }, ["from", "to"])).toBe("a → b");
  });

  it("picks a step giving about 120 points, never below the minimum", () => {
    expect(stepFor(5 * 60_000)).toBe(3);
    expect(stepFor(3600_000)).toBe(30);
    expect(stepFor(10_000)).toBe(1);
  });
});

describe("topSeries", () => {
  const s = (id: string, ...vs: string[]) => ({ metric: { component_id: id }, values: vs.map((v, i) => [i, v] as [number, string]) });

  it("keeps the series with the highest peaks, in their original order, and counts the rest", () => {
    const { kept, hidden } = topSeries([s("a", "1", "2"), s("b", "9"), s("c", "NaN"), s("d", "5", "0")], 2);
    expect(kept.map((x) => x.metric.component_id)).toEqual(["b", "d"]);
    expect(hidden).toBe(2);
  });

  it("keeps everything under the limit", () => {
    expect(topSeries([s("a", "1")], 8)).toEqual({ kept: [s("a", "1")], hidden: 0 });
  });
});
