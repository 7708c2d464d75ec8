/**
 * Runtime values of the PromQL evaluator and the label-set helpers every operator needs. Labels
 * here carry the metric name as `__name__`, as in Prometheus.
 */
import type { Labels } from "../series-store";
import { PromQLError } from "./errors";

export type { Labels };

/** One element of an instant vector. */
export interface VectorSample {
  labels: Labels;
  value: number;
}

/** One series of a range vector (raw samples, oldest first); times in ms. */
export interface MatrixSeries {
  labels: Labels;
  times: number[];
  values: number[];
}

export type Value =
  | { type: "scalar"; value: number }
  | { type: "string"; value: string }
  | { type: "vector"; samples: VectorSample[] }
  | { type: "matrix"; series: MatrixSeries[] };

export const METRIC_NAME = "__name__";

/** Canonical key of a label set (sorted names), equal for equal sets. */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let key = "";
  for (const n of names) key += `${n}\u0000${labels[n]}\u0001`;
  return key;
}

/** The label set without `__name__`. */
export function dropMetricName(labels: Labels): Labels {
  if (!(METRIC_NAME in labels)) return labels;
  const { [METRIC_NAME]: _name, ...rest } = labels;
  return rest;
}

/** Only the listed labels (those present). */
export function keepLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const n of names) if (labels[n] !== undefined) out[n] = labels[n];
  return out;
}

/** Every label except the listed ones. */
export function omitLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!names.includes(k)) out[k] = v;
  return out;
}

/** Prometheus's `labels.Compare`: label pairs in name order, name then value, bytewise. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  for (let i = 0; i < Math.min(an.length, bn.length); i++) {
    const c = cmp(an[i]!, bn[i]!) || cmp(a[an[i]!]!, b[bn[i]!]!);
    if (c !== 0) return c;
  }
  return an.length - bn.length;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Prometheus's `Labels.String()`: `{a="1", b="2"}` in name order. */
export function formatLabels(labels: Labels): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(", ")}}`;
}

/** Fails like Prometheus when an operation left two elements with one label set. */
export function assertUniqueLabelsets(samples: readonly VectorSample[]): void {
  if (samples.length < 2) return;
  const seen = new Set<string>();
  for (const s of samples) {
    const key = labelsKey(s.labels);
    if (seen.has(key)) throw new PromQLError("execution", "vector cannot contain metrics with the same labelset");
    seen.add(key);
  }
}
