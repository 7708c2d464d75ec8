/**
 * Binary operators with Prometheus's semantics: scalar/scalar, vector/scalar (either side) and
 * vector/vector with one-to-one matching on all labels but the name, or `on(…)`/`ignoring(…)`.
 * Arithmetic drops the metric name; a comparison filters (keeping the vector side's value) unless
 * `bool` turns it into 0/1.
 */
import { COMPARISON_OPS, type BinaryOp, type VectorMatching } from "./ast";
import { PromQLError } from "./errors";
import { dropMetricName, formatLabels, keepLabels, labelsKey, METRIC_NAME, omitLabels, type Labels, type VectorSample } from "./values";

/** `[value, keep]` of one element-wise operation (keep is false when a comparison fails). */
export function applyOp(op: BinaryOp, l: number, r: number): [number, boolean] {
  switch (op) {
    case "+":
      return [l + r, true];
    case "-":
      return [l - r, true];
    case "*":
      return [l * r, true];
    case "/":
      return [l / r, true];
    case "%":
      return [l % r, true];
    case "^":
      return [goPow(l, r), true];
    case "==":
      return [l, l === r];
    case "!=":
      return [l, l !== r];
    case ">":
      return [l, l > r];
    case "<":
      return [l, l < r];
    case ">=":
      return [l, l >= r];
    case "<=":
      return [l, l <= r];
  }
}

/** Go's math.Pow where it differs from `**`: 1^y = 1 for any y, (-1)^±Inf = 1. */
function goPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

/** scalar op scalar (comparisons only with `bool`, checked at parse time). */
export function scalarBinary(op: BinaryOp, l: number, r: number): number {
  const [v, keep] = applyOp(op, l, r);
  return COMPARISON_OPS.has(op) ? (keep ? 1 : 0) : v;
}

/** vector op scalar, or scalar op vector when `scalarOnLeft`. */
export function vectorScalarBinary(op: BinaryOp, samples: readonly VectorSample[], scalar: number, scalarOnLeft: boolean, bool: boolean): VectorSample[] {
  const comparison = COMPARISON_OPS.has(op);
  const out: VectorSample[] = [];
  for (const s of samples) {
    let [value, keep] = scalarOnLeft ? applyOp(op, scalar, s.value) : applyOp(op, s.value, scalar);
    // A comparison always keeps the vector element's value, on whichever side it stands.
    if (comparison && scalarOnLeft) value = s.value;
    if (bool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    out.push({ labels: !comparison || bool ? dropMetricName(s.labels) : s.labels, value });
  }
  return out;
}

/** vector op vector, one-to-one. Throws Prometheus's execution errors on ambiguous matches. */
export function vectorVectorBinary(op: BinaryOp, lhs: readonly VectorSample[], rhs: readonly VectorSample[], matching: VectorMatching, bool: boolean): VectorSample[] {
  if (lhs.length === 0 || rhs.length === 0) return [];
  const comparison = COMPARISON_OPS.has(op);
  const signature = (labels: Labels): Labels => (matching.on ? keepLabels(labels, matching.labels) : omitLabels(labels, [...matching.labels, METRIC_NAME]));
  const right = new Map<string, VectorSample>();
  for (const r of rhs) {
    const sig = signature(r.labels);
    const key = labelsKey(sig);
    const dup = right.get(key);
    if (dup) {
      throw new PromQLError(
        "execution",
        `found duplicate series for the match group ${formatLabels(sig)} on the right hand-side of the operation: [${formatLabels(r.labels)}, ${formatLabels(dup.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    right.set(key, r);
  }
  const matched = new Set<string>();
  const out: VectorSample[] = [];
  for (const l of lhs) {
    const key = labelsKey(signature(l.labels));
    const r = right.get(key);
    if (!r) continue;
    let [value, keep] = applyOp(op, l.value, r.value);
    if (bool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    if (matched.has(key)) throw new PromQLError("execution", "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
    matched.add(key);
    let labels = !comparison || bool ? dropMetricName(l.labels) : l.labels;
    labels = matching.on ? keepLabels(labels, matching.labels) : omitLabels(labels, matching.labels);
    out.push({ labels, value });
  }
  return out;
}
