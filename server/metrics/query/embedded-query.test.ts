import { describe, expect, it } from "vitest";
import { SeriesStore } from "../series-store";
import { EmbeddedMetricsQuery } from "./embedded-query";
import { bucketQuantile, extrapolatedRate } from "./prom-functions";
import { toPromQL, type Expr } from "./query-types";

const T0 = 1_700_000_000_000;

describe("extrapolatedRate", () => {
  it("is exact for a steady counter sampled at the window edges", () => {
    const times = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => T0 + s * 1000);
    const values = times.map((_, i) => i * 5);
    expect(extrapolatedRate(times, values, T0, T0 + 10_000, true)).toBeCloseTo(5, 10);
    expect(extrapolatedRate(times, values, T0, T0 + 10_000, false)).toBeCloseTo(50, 10);
  });

  it("adds the pre-reset value when the counter restarts", () => {
    // 0,10,20,30 then the process restarts: 5,15,25 → true increase 30 + 25 = 55 over 6 s.
    const times = [1, 2, 3, 4, 5, 6, 7].map((s) => T0 + s * 1000);
    const values = [0, 10, 20, 30, 5, 15, 25];
    const inc = extrapolatedRate(times, values, T0 + 1000, T0 + 7000, false);
    expect(inc).toBeCloseTo(55, 10);
  });

  it("does not extrapolate a counter below zero", () => {
    // Counter started at 0 just before the first sample: extrapolation is capped at zero.
    const times = [5, 6, 7, 8].map((s) => T0 + s * 1000);
    const values = [1, 11, 21, 31];
    const inc = extrapolatedRate(times, values, T0, T0 + 8000, false)!;
    // sampled 3 s: 30; to zero = 3 s × 1/30 = 0.1 s; end is on the boundary → 30 × 3.1/3
    expect(inc).toBeCloseTo(31, 10);
  });

  it("needs two samples", () => {
    expect(extrapolatedRate([T0], [1], T0 - 1000, T0, true)).toBeUndefined();
  });
});

describe("bucketQuantile", () => {
  it("interpolates linearly within the bucket holding the rank (uniform 0..1 s)", () => {
    // 1000 observations uniform on [0, 1): cumulative buckets at 0.1 steps.
    const buckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map((le, i) => ({ upperBound: le, count: (i + 1) * 100 }));
    buckets.push({ upperBound: Infinity, count: 1000 });
    expect(bucketQuantile(0.5, buckets)).toBeCloseTo(0.5, 10);
    expect(bucketQuantile(0.95, buckets)).toBeCloseTo(0.95, 10);
    expect(bucketQuantile(0.99, buckets)).toBeCloseTo(0.99, 10);
    expect(bucketQuantile(0.05, buckets)).toBeCloseTo(0.05, 10);
  });

  it("returns the highest finite bound when the rank falls in +Inf", () => {
    const buckets = [
      { upperBound: 0.1, count: 10 },
      { upperBound: 1, count: 20 },
      { upperBound: Infinity, count: 100 },
    ];
    expect(bucketQuantile(0.99, buckets)).toBe(1);
  });

  it("is NaN without a +Inf bucket or without observations, ±Inf outside [0,1]", () => {
    expect(bucketQuantile(0.5, [{ upperBound: 1, count: 1 }, { upperBound: 2, count: 2 }])).toBeNaN();
    expect(bucketQuantile(0.5, [{ upperBound: 1, count: 0 }, { upperBound: Infinity, count: 0 }])).toBeNaN();
    expect(bucketQuantile(-1, [])).toBe(-Infinity);
    expect(bucketQuantile(2, [])).toBe(Infinity);
  });

  it("counts buckets with the same bound once (le=\"1\" and le=\"1.0\") and leaves its input unchanged", () => {
    const buckets = [
      { upperBound: 1, count: 4 },
      { upperBound: 1, count: 6 },
      { upperBound: 2, count: 20 },
      { upperBound: Infinity, count: 20 },
    ];
    // Coalesced: (1 → 10), (2 → 20): the median is the top of the first bucket.
    expect(bucketQuantile(0.5, buckets)).toBeCloseTo(1, 10);
    expect(buckets[0]).toEqual({ upperBound: 1, count: 4 });
  });

  it("repairs non-monotonic buckets from a torn scrape", () => {
    const buckets = [
      { upperBound: 1, count: 10 },
      { upperBound: 2, count: 8 },
      { upperBound: Infinity, count: 20 },
    ];
    expect(bucketQuantile(0.25, buckets)).toBeCloseTo(0.5, 10);
  });
});

describe("EmbeddedMetricsQuery", () => {
  function storeWithCounters(): SeriesStore {
    const s = new SeriesStore();
    for (let i = 0; i <= 20; i++) {
      const t = T0 + i * 1000;
      s.append("events_total", { component_id: "a", instance: "a-0" }, t, i * 10);
      s.append("events_total", { component_id: "a", instance: "a-1" }, t, i * 30);
      // b restarts at i = 10.
      s.append("events_total", { component_id: "b", instance: "b-0" }, t, i < 10 ? i * 4 : (i - 10) * 4);
    }
    return s;
  }

  it("computes rate and sums it by label", async () => {
    const q = new EmbeddedMetricsQuery(storeWithCounters());
    const at = T0 + 20_000;
    const rate: Expr = { kind: "rate", name: "events_total", windowMs: 10_000 };
    const perInstance = await q.instant(rate, at);
    expect(perInstance).toHaveLength(3);
    const summed = await q.instant({ kind: "sum", by: ["component_id"], expr: rate }, at);
    const byId = Object.fromEntries(summed.map((s) => [s.labels.component_id, s.value]));
    expect(byId.a).toBeCloseTo(40, 6);
    // Reset inside the window: 36 before the restart + 40 after over 10 s → still 4/s.
    expect(byId.b).toBeCloseTo(4, 6);
  });

  it("computes histogram_quantile from rate of buckets", async () => {
    const s = new SeriesStore();
    // Latency uniform on [0, 0.1 s): 100 observations/s spread over 10 buckets of 10 ms.
    const les = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1];
    for (let i = 0; i <= 10; i++) {
      const t = T0 + i * 1000;
      les.forEach((le, j) => s.append("lat_bucket", { le: String(le), c: "x" }, t, i * 10 * (j + 1)));
      s.append("lat_bucket", { le: "+Inf", c: "x" }, t, i * 100);
    }
    const q = new EmbeddedMetricsQuery(s);
    const expr: Expr = {
      kind: "histogram_quantile",
      q: 0.95,
      expr: { kind: "sum", by: ["c", "le"], expr: { kind: "rate", name: "lat_bucket", windowMs: 10_000 } },
    };
    const [p95] = await q.instant(expr, T0 + 10_000);
    expect(p95!.labels).toEqual({ c: "x" });
    expect(p95!.value).toBeCloseTo(0.095, 6);
    expect(toPromQL(expr)).toBe('histogram_quantile(0.95, sum by (c,le) (rate(lat_bucket[10s])))');
  });

  it("answers range queries step by step and honours the selector lookback", async () => {
    const s = new SeriesStore();
    for (let i = 0; i <= 4; i++) s.append("depth", { e: "a" }, T0 + i * 1000, i);
    const q = new EmbeddedMetricsQuery(s, { lookbackMs: 2000 });
    const [r] = await q.range({ kind: "selector", name: "depth" }, { startMs: T0, endMs: T0 + 8000, stepMs: 2000 });
    // After the last sample (t=4 s) the series stays visible for the 2 s lookback, then goes stale.
    expect(r!.points).toEqual([
      [T0, 0],
      [T0 + 2000, 2],
      [T0 + 4000, 4],
      [T0 + 6000, 4],
    ]);
    await expect(q.range({ kind: "selector", name: "depth" }, { startMs: 0, endMs: T0, stepMs: 1 })).rejects.toThrow(/step/);
  });

  it("averages and maxes gauges over a window", async () => {
    const s = new SeriesStore();
    [2, 4, 6, 8].forEach((v, i) => s.append("g", {}, T0 + i * 1000, v));
    const q = new EmbeddedMetricsQuery(s);
    expect((await q.instant({ kind: "avg_over_time", name: "g", windowMs: 10_000 }, T0 + 3000))[0]!.value).toBe(5);
    expect((await q.instant({ kind: "max_over_time", name: "g", windowMs: 10_000 }, T0 + 3000))[0]!.value).toBe(8);
  });
});
