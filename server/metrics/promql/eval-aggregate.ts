/**
 * Aggregation operators with Prometheus's rules: `by (…)` keeps only the listed labels,
 * `without (…)` drops them and the name; `avg` is an incremental mean that survives infinities;
 * `min`/`max` replace a NaN; `topk`/`bottomk` keep whole series (name included) and treat NaN as
 * the least interesting value.
 */
import type { AggregateNode } from "./ast";
import { keepLabels, labelsKey, METRIC_NAME, omitLabels, type Labels, type VectorSample } from "./values";

/** Evaluates `op by|without (…) (samples)`; `param` is topk/bottomk's k. */
export function evalAggregate(node: Pick<AggregateNode, "op" | "grouping" | "without">, samples: readonly VectorSample[], param: number): VectorSample[] {
  const groupLabels = (labels: Labels): Labels => (node.without ? omitLabels(labels, [...node.grouping, METRIC_NAME]) : keepLabels(labels, node.grouping));
  const groups = new Map<string, { labels: Labels; samples: VectorSample[] }>();
  for (const s of samples) {
    const labels = groupLabels(s.labels);
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, samples: [] }));
    g.samples.push(s);
  }
  const out: VectorSample[] = [];
  for (const g of groups.values()) {
    if (node.op === "topk" || node.op === "bottomk") out.push(...selectK(node.op, g.samples, param));
    else out.push({ labels: g.labels, value: reduce(node.op, g.samples) });
  }
  return out;
}

function reduce(op: "sum" | "avg" | "min" | "max" | "count", samples: readonly VectorSample[]): number {
  switch (op) {
    case "sum":
      return samples.reduce((a, s) => a + s.value, 0);
    case "count":
      return samples.length;
    case "avg": {
      let mean = samples[0]!.value;
      for (let i = 1; i < samples.length; i++) {
        const v = samples[i]!.value;
        const n = i + 1;
        if (isInf(mean) && ((isInf(v) && mean > 0 === v > 0) || (!isInf(v) && !Number.isNaN(v)))) continue;
        // Divide before subtracting so large values do not overflow.
        mean += v / n - mean / n;
      }
      return mean;
    }
    case "min":
    case "max": {
      let m = samples[0]!.value;
      for (const { value: v } of samples) if ((op === "max" ? m < v : m > v) || Number.isNaN(m)) m = v;
      return m;
    }
  }
}

/** The k largest (topk) or smallest (bottomk) samples, best first; k < 1 selects none. */
function selectK(op: "topk" | "bottomk", samples: readonly VectorSample[], k: number): VectorSample[] {
  const count = Math.trunc(k);
  if (!(count >= 1)) return [];
  // NaN sorts last for both: it is never among the top or bottom while a number competes.
  const order = (a: VectorSample, b: VectorSample): number => {
    if (Number.isNaN(a.value)) return Number.isNaN(b.value) ? 0 : 1;
    if (Number.isNaN(b.value)) return -1;
    return op === "topk" ? b.value - a.value : a.value - b.value;
  };
  return [...samples].sort(order).slice(0, count);
}

function isInf(v: number): boolean {
  return v === Infinity || v === -Infinity;
}
