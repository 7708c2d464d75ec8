/**
 * Prometheus's JSON encoding of query results: sample values as strings in Go's shortest
 * non-exponent form (`"0.0000001"`, `"+Inf"`, `"NaN"`), timestamps as unix seconds (numbers with
 * millisecond precision), label sets as objects.
 */
import type { RangeResult } from "./evaluate";
import type { Labels, Value } from "./values";

/** `[seconds, "value"]` */
export type PromPoint = [number, string];

/** The `data` of a query response. */
export type PromQueryData =
  | { resultType: "vector"; result: Array<{ metric: Labels; value: PromPoint }> }
  | { resultType: "matrix"; result: Array<{ metric: Labels; values: PromPoint[] }> }
  | { resultType: "scalar"; result: PromPoint }
  | { resultType: "string"; result: PromPoint };

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`, with Prometheus's `+Inf`/`-Inf`/`NaN`. */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Object.is(v, -0)) return "-0";
  const s = String(v);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  // JavaScript switches to exponent form outside [1e-7, 1e21); Go's 'f' format never does.
  const [, sign, lead, rest = "", expText] = m;
  const digits = lead! + rest;
  const exp = Number(expText);
  if (exp >= 0) return sign + digits.padEnd(exp + 1, "0");
  return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
}

/** Milliseconds → the number Prometheus writes (seconds, millisecond precision). */
export function formatTimestamp(ms: number): number {
  return ms / 1000;
}

/** Sorted label object (Prometheus writes label sets in name order). */
function metric(labels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k]!;
  return out;
}

/** An instant query's value at `atMs` as Prometheus's `data`. */
export function formatInstant(v: Value, atMs: number): PromQueryData {
  const ts = formatTimestamp(atMs);
  switch (v.type) {
    case "scalar":
      return { resultType: "scalar", result: [ts, formatSampleValue(v.value)] };
    case "string":
      return { resultType: "string", result: [ts, v.value] };
    case "vector":
      return { resultType: "vector", result: v.samples.map((s) => ({ metric: metric(s.labels), value: [ts, formatSampleValue(s.value)] })) };
    case "matrix":
      return {
        resultType: "matrix",
        result: v.series.map((s) => ({ metric: metric(s.labels), values: s.times.map((t, i): PromPoint => [formatTimestamp(t), formatSampleValue(s.values[i]!)]) })),
      };
  }
}

/** A range query's result as Prometheus's `data`. */
export function formatRange(r: RangeResult): PromQueryData {
  return {
    resultType: "matrix",
    result: r.series.map((s) => ({ metric: metric(s.labels), values: s.points.map(([t, v]): PromPoint => [formatTimestamp(t), formatSampleValue(v)]) })),
  };
}
