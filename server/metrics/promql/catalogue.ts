/**
 * What the parser accepts: the functions and aggregations the evaluator implements, with the
 * argument types Prometheus checks. A name Prometheus knows but this engine does not implement is
 * refused with an explicit "not supported" error rather than mistaken for a metric.
 */
import type { AggregateOp, FunctionName, ValueType } from "./ast";

/** Argument types and result of each supported function (Prometheus's signatures). */
export const FUNCTIONS: Readonly<Record<FunctionName, { args: readonly ValueType[]; returns: ValueType }>> = {
  rate: { args: ["matrix"], returns: "vector" },
  irate: { args: ["matrix"], returns: "vector" },
  increase: { args: ["matrix"], returns: "vector" },
  avg_over_time: { args: ["matrix"], returns: "vector" },
  min_over_time: { args: ["matrix"], returns: "vector" },
  max_over_time: { args: ["matrix"], returns: "vector" },
  sum_over_time: { args: ["matrix"], returns: "vector" },
  count_over_time: { args: ["matrix"], returns: "vector" },
  last_over_time: { args: ["matrix"], returns: "vector" },
  histogram_quantile: { args: ["scalar", "vector"], returns: "vector" },
  abs: { args: ["vector"], returns: "vector" },
  clamp_min: { args: ["vector", "scalar"], returns: "vector" },
  clamp_max: { args: ["vector", "scalar"], returns: "vector" },
  scalar: { args: ["vector"], returns: "scalar" },
  vector: { args: ["scalar"], returns: "vector" },
  time: { args: [], returns: "scalar" },
};

export function isSupportedFunction(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTIONS, name);
}

export const AGGREGATIONS: ReadonlySet<AggregateOp> = new Set(["sum", "avg", "min", "max", "count", "topk", "bottomk"]);

export function isSupportedAggregation(name: string): name is AggregateOp {
  return AGGREGATIONS.has(name as AggregateOp);
}

/** Aggregations taking a parameter before the vector (`topk(3, …)`). */
export const PARAMETERIZED_AGGREGATIONS: ReadonlySet<AggregateOp> = new Set(["topk", "bottomk"]);
