/**
 * Prometheus API results shaped for Recharts (pure): a `matrix` becomes one row per timestamp with
 * one column per series, named from its labels; gaps stay gaps (no invented zeros).
 */

/** One series of a Prometheus `matrix` result. */
export interface PromMatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** The body of `/api/v1/query_range` (and `/api/v1/query`). */
export interface PromResponse {
  status: "success" | "error";
  data?: { resultType: "matrix" | "vector" | "scalar" | "string"; result: unknown };
  errorType?: string;
  error?: string;
}

export interface ChartData {
  /** `{ t: ms, [series]: value }`, oldest first. */
  rows: Array<Record<string, number | null>>;
  /** Column names, in a stable order. */
  series: string[];
}

/** A series' display name: the labels in `legend` (e.g. `["component_id"]`) or all but `__name__`. */
export function seriesName(metric: Record<string, string>, legend?: readonly string[]): string {
  const keys = legend ?? Object.keys(metric).filter((k) => k !== "__name__").sort();
  const parts = keys.map((k) => metric[k]).filter((v): v is string => v !== undefined && v !== "");
  if (parts.length > 0) return parts.join(" → ");
  return metric.__name__ ?? "value";
}

/** Rows for a line chart from a matrix result. */
export function matrixToChart(result: readonly PromMatrixSeries[], legend?: readonly string[]): ChartData {
  const byTime = new Map<number, Record<string, number | null>>();
  const names: string[] = [];
  const used = new Map<string, number>();
  for (const s of result) {
    let name = seriesName(s.metric, legend);
    // Two series with the same legend get distinct columns.
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    if (n > 0) name = `${name} (${n + 1})`;
    names.push(name);
    for (const [ts, raw] of s.values) {
      const t = Math.round(ts * 1000);
      const row = byTime.get(t) ?? { t };
      const v = Number(raw);
      row[name] = Number.isFinite(v) ? v : null;
      byTime.set(t, row);
    }
  }
  const rows = [...byTime.values()].sort((a, b) => (a.t as number) - (b.t as number));
  return { rows, series: names.sort() };
}

/**
 * The `limit` series with the highest peak in the range (the busiest components, the fullest
 * queues), in their original order, and how many were left out. A 50-component pipeline drew 50
 * lines per chart: unreadable, and re-rendering them every refresh cost the browser more than the
 * rest of the live view together.
 */
export function topSeries<S extends PromMatrixSeries>(series: readonly S[], limit: number): { kept: S[]; hidden: number } {
  if (series.length <= limit) return { kept: [...series], hidden: 0 };
  const peak = (s: S) => s.values.reduce((m, [, raw]) => {
    const v = Number(raw);
    return Number.isFinite(v) && v > m ? v : m;
  }, -Infinity);
  const ranked = series.map((s, i) => ({ i, peak: peak(s) })).sort((a, b) => b.peak - a.peak || a.i - b.i);
  const keep = new Set(ranked.slice(0, limit).map((r) => r.i));
  return { kept: series.filter((_, i) => keep.has(i)), hidden: series.length - limit };
}

/** A step that gives about `points` points over the range, at least `minStepS` seconds. */
export function stepFor(rangeMs: number, points = 120, minStepS = 1): number {
  return Math.max(minStepS, Math.ceil(rangeMs / 1000 / points));
}
