/**
 * The PromQL engine behind the console's Prometheus-compatible API: parse
 * ({@link parsePromQL}), evaluate over any {@link SeriesSource} ({@link Evaluator}), and answer
 * Prometheus HTTP API calls ({@link handlePrometheusApi}). Supported subset: docs/prometheus.md.
 */
export type { AggregateOp, BinaryOp, Expr, FunctionName, LabelMatcherNode, ValueType, VectorSelectorNode } from "./ast";
export { typeOf } from "./ast";
export { PROM_ERROR_CODES, PromQLError, PromQLParseError, type PromErrorType } from "./errors";
export { Evaluator, type EvaluatorOptions, type RangeResult } from "./evaluate";
export { parsePromQL } from "./parse-promql";
export { formatSampleValue, type PromPoint, type PromQueryData } from "./api-format";
export { parsePromDuration, parsePromTime } from "./api-params";
export { handlePrometheusApi, handlePrometheusRequest, type PrometheusApiBody, type PrometheusApiOptions, type PrometheusApiResponse } from "./prometheus-api";
export { findLabelNames, findLabelValues, findSeries, parseSeriesSelector, type TimeBounds } from "./series-metadata";
export { CompositeSeriesSource, selectSeries, type SeriesSource, type SourceMember } from "./series-source";
export type { Value, VectorSample, MatrixSeries } from "./values";
