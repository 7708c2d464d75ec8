/**
 * PromQL functions over one evaluation step, with Prometheus's numerics: `rate`/`increase` share
 * extrapolatedRate and `histogram_quantile` bucketQuantile with the embedded query layer
 * (server/metrics/query/prom-functions.ts); sums and averages over time use Kahan–Neumaier
 * summation as Prometheus does, so long windows agree to the last bits.
 */
import { bucketQuantile, extrapolatedRate, type Bucket } from "../query/prom-functions";
import type { FunctionName } from "./ast";
import { dropMetricName, labelsKey, METRIC_NAME, type Labels, type MatrixSeries, type VectorSample } from "./values";

/** Functions whose argument is a range vector. */
export type RangeFunctionName = Extract<FunctionName, "rate" | "irate" | "increase" | `${string}_over_time`>;

/** The window a range function sees: `(start, end]` in ms (end already shifted by `offset`). */
export interface RangeWindow {
  start: number;
  end: number;
}

/**
 * One output value of a range function for one series, or undefined when Prometheus returns no
 * element (fewer than two samples for `rate`, an empty window for `*_over_time`).
 */
export function evalRangeFunction(func: RangeFunctionName, s: MatrixSeries, w: RangeWindow): number | undefined {
  const { times, values } = s;
  const n = values.length;
  switch (func) {
    case "rate":
    case "increase":
      return extrapolatedRate(times, values, w.start, w.end, func === "rate");
    case "irate": {
      if (n < 2) return undefined;
      const last = values[n - 1]!;
      const prev = values[n - 2]!;
      const dt = (times[n - 1]! - times[n - 2]!) / 1000;
      if (dt === 0) return undefined;
      return (last < prev ? last : last - prev) / dt;
    }
    default:
      return n === 0 ? undefined : overTime(func, values);
  }
}

function overTime(func: RangeFunctionName, values: readonly number[]): number {
  switch (func) {
    case "sum_over_time": {
      let sum = 0;
      let c = 0;
      for (const v of values) [sum, c] = kahanSumInc(v, sum, c);
      return Number.isFinite(sum) ? sum + c : sum;
    }
    case "avg_over_time": {
      let mean = 0;
      let c = 0;
      let count = 0;
      for (const v of values) {
        count++;
        // An infinite mean stays infinite unless an opposite infinity or a NaN arrives.
        if (isInf(mean) && ((isInf(v) && mean > 0 === v > 0) || (!isInf(v) && !Number.isNaN(v)))) continue;
        [mean, c] = kahanSumInc(v / count - mean / count, mean, c);
      }
      return isInf(mean) ? mean : mean + c;
    }
    case "min_over_time":
    case "max_over_time": {
      let m = values[0]!;
      for (const v of values) if ((func === "max_over_time" ? v > m : v < m) || Number.isNaN(m)) m = v;
      return m;
    }
    case "count_over_time":
      return values.length;
    case "last_over_time":
      return values[values.length - 1]!;
    default:
      throw new Error(`not a *_over_time function: ${func}`);
  }
}

/** Prometheus's kahanSumInc (Neumaier's variant). */
function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  return [t, c];
}

function isInf(v: number): boolean {
  return v === Infinity || v === -Infinity;
}

/** Result labels of a range function: the name is dropped except by `last_over_time`. */
export function rangeFunctionLabels(func: RangeFunctionName, labels: Labels): Labels {
  return func === "last_over_time" ? labels : dropMetricName(labels);
}

/** `abs`, `clamp_min`, `clamp_max`: element-wise, the metric name dropped. */
export function evalElementwise(func: "abs" | "clamp_min" | "clamp_max", samples: readonly VectorSample[], arg: number): VectorSample[] {
  const f = func === "abs" ? Math.abs : func === "clamp_min" ? (v: number) => Math.max(v, arg) : (v: number) => Math.min(v, arg);
  return samples.map((s) => ({ labels: dropMetricName(s.labels), value: f(s.value) }));
}

/**
 * `histogram_quantile(q, buckets)`: one result per label set without `le` and `__name__`;
 * samples whose `le` is missing or not a number are ignored, as Prometheus does.
 */
export function evalHistogramQuantile(q: number, samples: readonly VectorSample[]): VectorSample[] {
  const groups = new Map<string, { labels: Labels; buckets: Bucket[] }>();
  for (const s of samples) {
    const le = s.labels.le;
    const upperBound = le === undefined ? NaN : parseGoFloat(le);
    if (Number.isNaN(upperBound)) continue;
    const { le: _le, [METRIC_NAME]: _name, ...labels } = s.labels;
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, buckets: [] }));
    g.buckets.push({ upperBound, count: s.value });
  }
  return [...groups.values()].map(({ labels, buckets }) => ({ labels, value: bucketQuantile(q, buckets) }));
}

/** Go's strconv.ParseFloat for label values: `+Inf`, `inf`, `1e-3`; NaN when unparsable. */
export function parseGoFloat(s: string): number {
  if (/^[+-]?(?:inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return NaN;
  return Number(s);
}
