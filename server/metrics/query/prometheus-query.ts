/**
 * {@link MetricsQuery} against a real Prometheus' HTTP API (`/api/v1/query`, `/api/v1/query_range`),
 * used when `PROMETHEUS_URL` is set. Responses are validated with zod; API errors become
 * OperationalErrors carrying Prometheus' own message.
 */
import { z } from "zod";
import { OperationalError } from "../../core/errors";
import { toPromQL, type Expr, type MetricsQuery, type RangeParams, type RangeSeries, type Sample } from "./query-types";

const valueSchema = z.tuple([z.number(), z.string()]);
const responseSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("success"),
    data: z.discriminatedUnion("resultType", [
      z.object({ resultType: z.literal("vector"), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: valueSchema })) }),
      z.object({ resultType: z.literal("matrix"), result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(valueSchema) })) }),
      z.object({ resultType: z.literal("scalar"), result: valueSchema }),
      z.object({ resultType: z.literal("string"), result: valueSchema }),
    ]),
  }),
  z.object({ status: z.literal("error"), errorType: z.string(), error: z.string() }),
]);

export interface PrometheusQueryOptions {
  /** Base URL, e.g. `http://127.0.0.1:9090`. */
  url: string;
  /** Per-request timeout. @default 10_000 */
  timeoutMs?: number;
}

/** Prometheus' sample value strings: numbers plus `NaN`, `+Inf`, `-Inf`. */
function parseValue(s: string): number {
  if (s === "+Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  return Number(s);
}

function withoutName(metric: Record<string, string>): Record<string, string> {
  const { __name__: _drop, ...rest } = metric;
  return rest;
}

/** See the module comment. */
export class PrometheusMetricsQuery implements MetricsQuery {
  readonly backend = "prometheus" as const;
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(opts: PrometheusQueryOptions) {
    this.base = opts.url.replace(/\/+$/, "");
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  async instant(expr: Expr, atMs: number, opts: { signal?: AbortSignal } = {}): Promise<Sample[]> {
    const data = await this.call("/api/v1/query", { query: toPromQL(expr), time: String(atMs / 1000) }, opts.signal);
    if (data.resultType !== "vector") throw new OperationalError(`prometheus returned ${data.resultType}, expected vector`, { retryable: false });
    return data.result.map((r) => ({ labels: withoutName(r.metric), value: parseValue(r.value[1]) }));
  }

  async range(expr: Expr, p: RangeParams, opts: { signal?: AbortSignal } = {}): Promise<RangeSeries[]> {
    const data = await this.call(
      "/api/v1/query_range",
      { query: toPromQL(expr), start: String(p.startMs / 1000), end: String(p.endMs / 1000), step: String(p.stepMs / 1000) },
      opts.signal,
    );
    if (data.resultType !== "matrix") throw new OperationalError(`prometheus returned ${data.resultType}, expected matrix`, { retryable: false });
    return data.result.map((r) => ({
      labels: withoutName(r.metric),
      points: r.values.map(([t, v]) => [Math.round(t * 1000), parseValue(v)] as [number, number]),
    }));
  }

  private async call(path: string, params: Record<string, string>, signal?: AbortSignal) {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const url = `${this.base}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(params).toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      throw new OperationalError(`prometheus query to ${url} failed: ${(err as Error).message}`, { cause: err, code: timeout.aborted ? "DEADLINE_EXCEEDED" : "UNAVAILABLE" });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new OperationalError(`prometheus at ${url} answered HTTP ${res.status} with non-JSON: ${text.slice(0, 200)}`, { cause: err });
    }
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success) throw new OperationalError(`prometheus at ${url}: unexpected response shape: ${parsed.error.issues[0]?.message}`, { retryable: false });
    if (parsed.data.status === "error") {
      throw new OperationalError(`prometheus ${parsed.data.errorType}: ${parsed.data.error}`, { retryable: res.status >= 500, code: res.status === 400 ? "INVALID_ARGUMENT" : "UNAVAILABLE" });
    }
    return parsed.data.data;
  }
}
