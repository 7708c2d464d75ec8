/**
 * The Prometheus HTTP API (`/api/v1/query`, `query_range`, `series`, `labels`,
 * `label/<name>/values`) as plain functions over a {@link SeriesSource}: same parameters, same
 * JSON, same error types and HTTP statuses as Prometheus, so Grafana and other Prometheus clients
 * can use the console as a data source. A route handler only forwards the request:
 *
 * @example
 * export const GET = async (req: Request) => {
 *   const { status, body } = await handlePrometheusRequest(req, source(), Date.now());
 *   return Response.json(body, { status });
 * };
 */
import { ERROR_STATUS, isFlowError } from "../../core/errors";
import { MAX_RANGE_POINTS } from "../query/query-types";
import { instantQueryParamsSchema, metadataParamsSchema, parseParams, rangeQueryParamsSchema } from "./api-params";
import { formatInstant, formatRange, type PromQueryData } from "./api-format";
import { typeOf, VALUE_TYPE_NAMES, type Expr, type VectorSelectorNode } from "./ast";
import { PromQLError, PromQLParseError, type PromErrorType } from "./errors";
import { Evaluator, type EvaluatorOptions } from "./evaluate";
import { parsePromQL } from "./parse-promql";
import { findLabelNames, findLabelValues, findSeries, parseSeriesSelector, type TimeBounds } from "./series-metadata";
import type { SeriesSource } from "./series-source";
import type { Labels } from "./values";

/** Evaluation limits and cancellation for API queries (see {@link EvaluatorOptions}). */
export type PrometheusApiOptions = EvaluatorOptions;

/** A response body exactly as Prometheus writes it. */
export type PrometheusApiBody =
  | { status: "success"; data: PromQueryData | Labels[] | string[] }
  | { status: "error"; errorType: PromErrorType; error: string };

export interface PrometheusApiResponse {
  status: number;
  body: PrometheusApiBody;
}

/** Largest form body read from a POST (Go's `ParseForm` limit). */
const MAX_FORM_BYTES = 10 << 20;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Answers one API call. `path` is the endpoint with or without the `/api/v1/` prefix
 * (`query`, `/api/v1/label/job/values`); `params` are the merged query-string and form
 * parameters; `now` (ms) is the default evaluation time. Never throws: every failure is a
 * Prometheus error body with its status.
 */
export async function handlePrometheusApi(path: string, params: URLSearchParams, source: SeriesSource, now: number, opts: PrometheusApiOptions = {}): Promise<PrometheusApiResponse> {
  try {
    const route = path.replace(/^\/?(?:api\/v1\/)?/, "").replace(/\/$/, "");
    if (route === "query") return success(instantQuery(params, source, now, opts));
    if (route === "query_range") return success(await rangeQuery(params, source, opts));
    if (route === "series") return success(series(params, source));
    if (route === "labels") {
      const { selectors, bounds } = metadataParams(params, false);
      return success(findLabelNames(source, selectors, bounds));
    }
    const values = /^label\/([^/]+)\/values$/.exec(route);
    if (values) {
      const name = decodeLabelName(values[1]!);
      if (!LABEL_NAME.test(name)) throw new PromQLError("bad_data", `invalid label name: ${JSON.stringify(name)}`);
      const { selectors, bounds } = metadataParams(params, false);
      return success(findLabelValues(source, name, selectors, bounds));
    }
    throw new PromQLError("not_found", `unknown Prometheus API endpoint ${JSON.stringify(path)}`);
  } catch (err) {
    return failure(err);
  }
}

/**
 * {@link handlePrometheusApi} for a fetch-API `Request` (GET query string, or POST
 * `application/x-www-form-urlencoded` body whose values come first, as in Go's `r.Form`).
 * `path` defaults to the request URL's path.
 */
export async function handlePrometheusRequest(request: Request, source: SeriesSource, now: number, opts: PrometheusApiOptions & { path?: string } = {}): Promise<PrometheusApiResponse> {
  const url = new URL(request.url);
  const params = new URLSearchParams();
  try {
    if (request.method === "POST" && (request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      if (Number(request.headers.get("content-length") ?? 0) > MAX_FORM_BYTES) throw new PromQLError("bad_data", "http: POST too large");
      const body = await request.text();
      if (Buffer.byteLength(body) > MAX_FORM_BYTES) throw new PromQLError("bad_data", "http: POST too large");
      for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
    }
  } catch (err) {
    return failure(err);
  }
  for (const [k, v] of url.searchParams) params.append(k, v);
  return handlePrometheusApi(opts.path ?? url.pathname, params, source, now, opts);
}

function instantQuery(params: URLSearchParams, source: SeriesSource, now: number, opts: PrometheusApiOptions): PromQueryData {
  const p = parseParams(instantQueryParamsSchema, params);
  const at = p.time ?? now;
  const expr = parseQuery(p.query);
  return formatInstant(new Evaluator(source, evaluatorOptions(opts, p.timeout)).instant(expr, at), at);
}

async function rangeQuery(params: URLSearchParams, source: SeriesSource, opts: PrometheusApiOptions): Promise<PromQueryData> {
  const p = parseParams(rangeQueryParamsSchema, params, ["start", "end", "step"]);
  if (p.end < p.start) throw new PromQLError("bad_data", 'invalid parameter "end": end timestamp must not be before start time');
  if (Math.floor((p.end - p.start) / p.step) > MAX_RANGE_POINTS) {
    throw new PromQLError("bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
  }
  const expr = parseQuery(p.query);
  const t = typeOf(expr);
  if (t !== "scalar" && t !== "vector") throw new PromQLError("bad_data", `invalid expression type ${JSON.stringify(VALUE_TYPE_NAMES[t])} for range query, must be Scalar or instant Vector`);
  return formatRange(await new Evaluator(source, evaluatorOptions(opts, p.timeout)).range(expr, p.start, p.end, p.step));
}

function series(params: URLSearchParams, source: SeriesSource): Labels[] {
  if (params.getAll("match[]").length === 0) throw new PromQLError("bad_data", "no match[] parameter provided");
  const { selectors, bounds } = metadataParams(params, true);
  return findSeries(source, selectors, bounds);
}

/** `match[]`, `start`, `end`; `/series` prefixes selector errors with the parameter name, the label endpoints do not. */
function metadataParams(params: URLSearchParams, prefixErrors: boolean): { selectors: VectorSelectorNode[]; bounds: TimeBounds } {
  const p = parseParams(metadataParamsSchema, params);
  const selectors = p["match[]"].map((text) => {
    try {
      return parseSeriesSelector(text);
    } catch (err) {
      if (!(err instanceof PromQLParseError)) throw err;
      const message = err.reason === "vector selector must contain at least one non-empty matcher" ? "match[] must contain at least one non-empty matcher" : err.message;
      throw new PromQLError("bad_data", prefixErrors ? `invalid parameter "match[]": ${message}` : message);
    }
  });
  return { selectors, bounds: { start: p.start ?? -Infinity, end: p.end ?? Infinity } };
}

function decodeLabelName(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed %-escape is the client's mistake, answered like any other bad name.
    throw new PromQLError("bad_data", `invalid label name: ${JSON.stringify(segment)}`);
  }
}

function parseQuery(query: string): Expr {
  try {
    return parsePromQL(query);
  } catch (err) {
    if (err instanceof PromQLParseError) throw new PromQLError("bad_data", `invalid parameter "query": ${err.message}`);
    throw err;
  }
}

/** The request's `timeout` can shorten the server's budget, never extend it. */
function evaluatorOptions(opts: PrometheusApiOptions, timeoutMs: number | undefined): EvaluatorOptions {
  const budget = opts.timeoutMs ?? 120_000;
  return { ...opts, timeoutMs: timeoutMs === undefined ? budget : Math.min(timeoutMs, budget) };
}

function success(data: PromQueryData | Labels[] | string[]): PrometheusApiResponse {
  return { status: 200, body: { status: "success", data } };
}

/** Maps any failure to Prometheus's error body; the status comes from the project's error table. */
function failure(err: unknown): PrometheusApiResponse {
  const e = err instanceof PromQLError ? err : new PromQLError(errorTypeOf(err), err instanceof Error ? err.message : String(err));
  return { status: ERROR_STATUS[e.code].http, body: { status: "error", errorType: e.errorType, error: e.message } };
}

function errorTypeOf(err: unknown): PromErrorType {
  // By brand, not instanceof: the source may throw from another copy of the errors module.
  if (!isFlowError(err)) return "internal";
  if (err.code === "INVALID_ARGUMENT") return "bad_data";
  if (err.code === "NOT_FOUND") return "not_found";
  if (err.code === "CANCELLED") return "canceled";
  if (err.code === "DEADLINE_EXCEEDED") return "timeout";
  return "internal";
}
