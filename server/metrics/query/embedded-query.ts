/** {@link MetricsQuery} over the in-process {@link SeriesStore}, with Prometheus semantics. */
import { InvalidArgumentError } from "../../core/errors";
import { lastIndexAtOrBefore, seriesKey, type Labels, type SeriesStore, type SeriesView } from "../series-store";
import { bucketQuantile, extrapolatedRate, type Bucket } from "./prom-functions";
import { MAX_RANGE_POINTS, type Expr, type MetricsQuery, type RangeParams, type RangeSeries, type Sample } from "./query-types";

export interface EmbeddedQueryOptions {
  /** How far back an instant selector looks for a sample (Prometheus' lookback delta). @default 300_000 */
  lookbackMs?: number;
}


/** Points with time in (from, to], skipping NaN (Prometheus' staleness/NaN are not rate inputs). */
function pointsIn(s: SeriesView, from: number, to: number): { times: number[]; values: number[] } {
  const times: number[] = [];
  const values: number[] = [];
  const end = lastIndexAtOrBefore(s, to);
  for (let i = end; i >= 0; i--) {
    const t = s.timeAt(i);
    if (t <= from) break;
    const v = s.valueAt(i);
    if (Number.isNaN(v)) continue;
    times.push(t);
    values.push(v);
  }
  times.reverse();
  values.reverse();
  return { times, values };
}

function pick(labels: Labels, by: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of by) if (labels[k] !== undefined) out[k] = labels[k];
  return out;
}

/** See the module comment. */
export class EmbeddedMetricsQuery implements MetricsQuery {
  readonly backend = "embedded" as const;
  private readonly lookbackMs: number;

  constructor(
    private readonly store: SeriesStore,
    opts: EmbeddedQueryOptions = {},
  ) {
    this.lookbackMs = opts.lookbackMs ?? 300_000;
  }

  async instant(expr: Expr, atMs: number): Promise<Sample[]> {
    return this.evaluate(expr, atMs);
  }

  async range(expr: Expr, p: RangeParams): Promise<RangeSeries[]> {
    if (!(p.stepMs > 0)) throw new InvalidArgumentError("step", "must be > 0");
    if (p.endMs < p.startMs) throw new InvalidArgumentError("end", "must not be before start");
    if ((p.endMs - p.startMs) / p.stepMs + 1 > MAX_RANGE_POINTS) {
      throw new InvalidArgumentError("step", `range would return more than ${MAX_RANGE_POINTS} points per series; use a larger step`);
    }
    const out = new Map<string, RangeSeries>();
    for (let t = p.startMs; t <= p.endMs; t += p.stepMs) {
      for (const s of this.evaluate(expr, t)) {
        const key = seriesKey("", s.labels);
        let rs = out.get(key);
        if (!rs) out.set(key, (rs = { labels: s.labels, points: [] }));
        rs.points.push([t, s.value]);
      }
    }
    return [...out.values()];
  }

  /** Synchronous evaluation (diagnosis calls this many times per tick). */
  evaluate(e: Expr, t: number): Sample[] {
    switch (e.kind) {
      case "selector": {
        const out: Sample[] = [];
        for (const s of this.store.select(e.name, e.matchers)) {
          const i = lastIndexAtOrBefore(s, t);
          if (i < 0 || t - s.timeAt(i) > this.lookbackMs) continue;
          const v = s.valueAt(i);
          if (!Number.isNaN(v)) out.push({ labels: s.labels, value: v });
        }
        return out;
      }
      case "rate":
      case "increase": {
        const out: Sample[] = [];
        for (const s of this.store.select(e.name, e.matchers)) {
          const { times, values } = pointsIn(s, t - e.windowMs, t);
          const v = extrapolatedRate(times, values, t - e.windowMs, t, e.kind === "rate");
          if (v !== undefined) out.push({ labels: s.labels, value: v });
        }
        return out;
      }
      case "avg_over_time":
      case "max_over_time":
      case "min_over_time": {
        const out: Sample[] = [];
        for (const s of this.store.select(e.name, e.matchers)) {
          const { values } = pointsIn(s, t - e.windowMs, t);
          if (values.length === 0) continue;
          const value =
            e.kind === "avg_over_time"
              ? values.reduce((a, b) => a + b, 0) / values.length
              : e.kind === "max_over_time"
                ? Math.max(...values)
                : Math.min(...values);
          out.push({ labels: s.labels, value });
        }
        return out;
      }
      case "sum":
      case "max":
      case "min":
      case "avg": {
        const groups = new Map<string, { labels: Labels; values: number[] }>();
        for (const s of this.evaluate(e.expr, t)) {
          const labels = pick(s.labels, e.by);
          const key = seriesKey("", labels);
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { labels, values: [] }));
          g.values.push(s.value);
        }
        return [...groups.values()].map(({ labels, values }) => ({ labels, value: aggregate(e.kind, values) }));
      }
      case "histogram_quantile": {
        const groups = new Map<string, { labels: Labels; buckets: Bucket[] }>();
        for (const s of this.evaluate(e.expr, t)) {
          const le = s.labels.le;
          if (le === undefined) continue;
          const upperBound = le === "+Inf" ? Infinity : Number(le);
          if (Number.isNaN(upperBound)) continue;
          const labels = Object.fromEntries(Object.entries(s.labels).filter(([k]) => k !== "le"));
          const key = seriesKey("", labels);
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { labels, buckets: [] }));
          g.buckets.push({ upperBound, count: s.value });
        }
        return [...groups.values()].map(({ labels, buckets }) => ({ labels, value: bucketQuantile(e.q, buckets) }));
      }
    }
  }
}

function aggregate(kind: "sum" | "max" | "min" | "avg", values: number[]): number {
  switch (kind) {
    case "sum":
      return values.reduce((a, b) => a + b, 0);
    case "max":
      return Math.max(...values);
    case "min":
      return Math.min(...values);
    case "avg":
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}
