/**
 * The query language the console and diagnosis need, as a typed expression tree rather than PromQL
 * text: the embedded store evaluates it directly and {@link toPromQL} renders it for a real
 * Prometheus, so both implementations of {@link MetricsQuery} answer the same question.
 */
import type { Labels, Matchers } from "../series-store";

export type Expr =
  /** Instant vector: the newest sample of each matching series within the lookback. */
  | { kind: "selector"; name: string; matchers?: Matchers }
  /** Per-second rate / total increase of counters over `windowMs` (resets handled, extrapolated). */
  | { kind: "rate" | "increase"; name: string; matchers?: Matchers; windowMs: number }
  /** Gauge statistics over a window. */
  | { kind: "avg_over_time" | "max_over_time" | "min_over_time"; name: string; matchers?: Matchers; windowMs: number }
  /** Aggregation across series keeping only the `by` labels. */
  | { kind: "sum" | "max" | "min" | "avg"; by: readonly string[]; expr: Expr }
  /** φ-quantile from `_bucket` series (`le` label), as Prometheus computes it. */
  | { kind: "histogram_quantile"; q: number; expr: Expr };

/** One element of an instant vector. */
export interface Sample {
  labels: Labels;
  value: number;
}

/** One series of a range query result; points are `[ms, value]`, oldest first. */
export interface RangeSeries {
  labels: Labels;
  points: Array<[number, number]>;
}

export interface RangeParams {
  startMs: number;
  endMs: number;
  stepMs: number;
}

/**
 * One query interface, two implementations: the embedded series store and a Prometheus HTTP API
 * (used when `PROMETHEUS_URL` is set).
 */
export interface MetricsQuery {
  readonly backend: "embedded" | "prometheus";
  instant(expr: Expr, atMs: number, opts?: { signal?: AbortSignal }): Promise<Sample[]>;
  range(expr: Expr, params: RangeParams, opts?: { signal?: AbortSignal }): Promise<RangeSeries[]>;
}

/** Most range steps a query may ask for (Prometheus's own limit is 11 000). */
export const MAX_RANGE_POINTS = 11_000;

function renderMatchers(m: Matchers | undefined): string {
  if (!m) return "";
  const parts = Object.entries(m).map(([k, v]) => {
    if (typeof v === "string") return `${k}=${JSON.stringify(v)}`;
    if ("ne" in v) return `${k}!=${JSON.stringify(v.ne)}`;
    return `${k}=~${JSON.stringify(v.re.source)}`;
  });
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** Milliseconds as a PromQL duration (`10s`, `1500ms`). */
export function promDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}

/** Renders an expression as PromQL text. */
export function toPromQL(e: Expr): string {
  switch (e.kind) {
    case "selector":
      return `${e.name}${renderMatchers(e.matchers)}`;
    case "rate":
    case "increase":
    case "avg_over_time":
    case "max_over_time":
    case "min_over_time":
      return `${e.kind}(${e.name}${renderMatchers(e.matchers)}[${promDuration(e.windowMs)}])`;
    case "sum":
    case "max":
    case "min":
    case "avg":
      return `${e.kind} by (${e.by.join(",")}) (${toPromQL(e.expr)})`;
    case "histogram_quantile":
      return `histogram_quantile(${e.q}, ${toPromQL(e.expr)})`;
  }
}
