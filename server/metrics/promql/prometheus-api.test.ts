import { describe, expect, it } from "vitest";
import { ERROR_STATUS, StorageError } from "../../core/errors";
import { SeriesStore } from "../series-store";
import { formatSampleValue } from "./api-format";
import { parsePromDuration, parsePromTime } from "./api-params";
import { PROM_ERROR_CODES } from "./errors";
import { handlePrometheusApi, handlePrometheusRequest, type PrometheusApiOptions } from "./prometheus-api";
import type { SeriesSource } from "./series-source";

const T = 1_700_000_000_000;
const S = T / 1000;

function store(): SeriesStore {
  const s = new SeriesStore();
  // First: the store's epoch is its first sample.
  s.append("old", { component_id: "x" }, T - 3_600_000, 1);
  for (let i = 0; i <= 6; i++) {
    s.append("events_total", { job: "a", component_id: "src" }, T + i * 10_000, i * 100);
    s.append("events_total", { job: "a", component_id: "sink" }, T + i * 10_000, i * 50);
  }
  s.append("depth", { component_id: "sink" }, T + 60_000, 1e-7);
  return s;
}

async function api(path: string, params: Record<string, string | string[]>, opts?: PrometheusApiOptions, source: SeriesSource = store()) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) search.append(k, x);
  return handlePrometheusApi(path, search, source, T + 60_000, opts);
}

describe("Prometheus API: query", () => {
  it("answers a vector with seconds timestamps, string values and sorted label objects", async () => {
    expect(await api("/api/v1/query", { query: "events_total" })).toEqual({
      status: 200,
      body: {
        status: "success",
        data: {
          resultType: "vector",
          result: [
            { metric: { __name__: "events_total", component_id: "sink", job: "a" }, value: [S + 60, "300"] },
            { metric: { __name__: "events_total", component_id: "src", job: "a" }, value: [S + 60, "600"] },
          ],
        },
      },
    });
  });

  it("answers scalars, strings and range vectors in Prometheus's shapes", async () => {
    const time = String(S + 30.5);
    expect((await api("query", { query: "1 / 3", time })).body).toEqual({ status: "success", data: { resultType: "scalar", result: [S + 30.5, "0.3333333333333333"] } });
    expect((await api("query", { query: '"hi"', time })).body).toEqual({ status: "success", data: { resultType: "string", result: [S + 30.5, "hi"] } });
    expect((await api("query", { query: 'events_total{component_id="src"}[15s]', time })).body).toEqual({
      status: "success",
      data: { resultType: "matrix", result: [{ metric: { __name__: "events_total", component_id: "src", job: "a" }, values: [[S + 20, "200"], [S + 30, "300"]] }] },
    });
  });

  it("writes values as Go does: no exponent, +Inf, -Inf, NaN, -0", () => {
    expect([1e21, 1.5e-7, 0.1, 123456789012345680000, -0, NaN, Infinity, -Infinity, -2.5].map(formatSampleValue)).toEqual([
      "1000000000000000000000",
      "0.00000015",
      "0.1",
      "123456789012345680000",
      "-0",
      "NaN",
      "+Inf",
      "-Inf",
      "-2.5",
    ]);
  });

  it("evaluates at `now` without a time, and reads RFC 3339 and unix seconds like Prometheus", async () => {
    expect((await api("query", { query: "time()" })).body).toMatchObject({ data: { result: [S + 60, String(S + 60)] } });
    expect(parsePromTime("2015-07-01T20:10:51.781Z")).toBe(1435781451781);
    expect(parsePromTime("2015-07-01T22:10:51+02:00")).toBe(1435781451000);
    expect(parsePromTime("1435781451.7815")).toBe(1435781451782);
    expect(parsePromTime("-1.5")).toBe(-1500);
    expect(parsePromTime("1e3")).toBe(1_000_000);
    for (const bad of ["abc", "2015-07-01", "5s", "2015-02-30T00:00:00Z", ""]) expect(parsePromTime(bad), bad).toBeUndefined();
  });

  it("reads steps as seconds or durations", () => {
    expect(parsePromDuration("15")).toBe(15_000);
    expect(parsePromDuration("0.5")).toBe(500);
    expect(parsePromDuration("1m30s")).toBe(90_000);
    expect(parsePromDuration("abc")).toBeUndefined();
  });

  it("answers a bad parameter or query as bad_data 400 with Prometheus's message", async () => {
    expect(await api("query", { query: "1", time: "abc" })).toEqual({
      status: 400,
      body: { status: "error", errorType: "bad_data", error: `invalid parameter "time": Invalid time value for 'time': cannot parse "abc" to a valid timestamp` },
    });
    expect((await api("query", { query: "rate(events_total)" })).body).toEqual({
      status: "error",
      errorType: "bad_data",
      error: 'invalid parameter "query": 1:6: parse error: expected type range vector in call to function "rate", got instant vector',
    });
  });

  it("answers an evaluation failure as execution 422, a timeout as 503 and a cancelled query as 499", async () => {
    expect(await api("query", { query: "events_total / on() vector(1)" })).toMatchObject({ status: 422, body: { errorType: "execution" } });
    let now = 0;
    const slow = { timeoutMs: 500, clock: () => (now += 1000) };
    expect(await api("query_range", { query: "events_total", start: String(S), end: String(S + 60), step: "1" }, slow)).toMatchObject({
      status: 503,
      body: { errorType: "timeout", error: "query timed out in expression evaluation" },
    });
    expect(await api("query_range", { query: "events_total", start: String(S), end: String(S + 60), step: "1", timeout: "1ms" }, { clock: () => (now += 1000) })).toMatchObject({ status: 503 });
    const ac = new AbortController();
    ac.abort();
    expect(await api("query_range", { query: "1", start: String(S), end: String(S + 60), step: "1" }, { signal: ac.signal })).toMatchObject({ status: 499, body: { errorType: "canceled" } });
  });

  it("maps an error thrown by the source to internal 500", async () => {
    const broken: SeriesSource = {
      select: () => {
        throw new StorageError("database is locked");
      },
      names: () => [],
    };
    expect(await api("query", { query: "up" }, {}, broken)).toEqual({ status: 500, body: { status: "error", errorType: "internal", error: "database is locked" } });
  });

  it("takes its statuses from the project's error table, equal to Prometheus's", () => {
    const status = Object.fromEntries(Object.entries(PROM_ERROR_CODES).map(([type, code]) => [type, ERROR_STATUS[code].http]));
    expect(status).toEqual({ bad_data: 400, execution: 422, timeout: 503, canceled: 499, internal: 500, not_found: 404 });
  });
});

describe("Prometheus API: query_range", () => {
  it("returns a matrix sorted by labels; a scalar as one series without labels", async () => {
    const r = await api("query_range", { query: "rate(events_total[20s])", start: String(S + 20), end: String(S + 40), step: "10s" });
    expect(r.body).toEqual({
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          { metric: { component_id: "sink", job: "a" }, values: [[S + 20, "5"], [S + 30, "5"], [S + 40, "5"]] },
          { metric: { component_id: "src", job: "a" }, values: [[S + 20, "10"], [S + 30, "10"], [S + 40, "10"]] },
        ],
      },
    });
    expect((await api("query_range", { query: "2", start: String(S), end: String(S + 1), step: "0.5" })).body).toEqual({
      status: "success",
      data: { resultType: "matrix", result: [{ metric: {}, values: [[S, "2"], [S + 0.5, "2"], [S + 1, "2"]] }] },
    });
  });

  it.each([
    [{ start: "10", end: "0", step: "1" }, 'invalid parameter "end": end timestamp must not be before start time'],
    [{ start: "0", end: "10", step: "0" }, 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    [{ start: "0", end: "10" }, 'invalid parameter "step": cannot parse "" to a valid duration'],
    [{ end: "10", step: "1" }, 'invalid parameter "start": cannot parse "" to a valid timestamp'],
    [{ start: "0", end: "100000", step: "1" }, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"],
  ])("refuses %j", async (params, error) => {
    expect(await api("query_range", { query: "1", ...params })).toEqual({ status: 400, body: { status: "error", errorType: "bad_data", error } });
  });

  it("refuses a range-vector or string expression", async () => {
    expect((await api("query_range", { query: "events_total[1m]", start: "0", end: "1", step: "1" })).body).toMatchObject({
      error: 'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    });
  });
});

describe("Prometheus API: series and labels", () => {
  it("lists series with a sample in [start, end] matching any match[]", async () => {
    expect((await api("series", { "match[]": ["depth", 'events_total{component_id="src"}'] })).body).toEqual({
      status: "success",
      data: [
        { __name__: "depth", component_id: "sink" },
        { __name__: "events_total", component_id: "src", job: "a" },
      ],
    });
    expect((await api("series", { "match[]": '{component_id=~".+"}', end: String(S - 60) })).body).toEqual({ status: "success", data: [{ __name__: "old", component_id: "x" }] });
  });

  it("lists label names and values, __name__ included", async () => {
    expect((await api("labels", {})).body).toEqual({ status: "success", data: ["__name__", "component_id", "job"] });
    expect((await api("labels", { "match[]": "depth" })).body).toEqual({ status: "success", data: ["__name__", "component_id"] });
    expect((await api("/api/v1/label/component_id/values", { start: String(S) })).body).toEqual({ status: "success", data: ["sink", "src"] });
    expect((await api("label/__name__/values", {})).body).toEqual({ status: "success", data: ["depth", "events_total", "old"] });
  });

  it("refuses bad selectors and label names like Prometheus", async () => {
    expect((await api("series", {})).body).toEqual({ status: "error", errorType: "bad_data", error: "no match[] parameter provided" });
    expect((await api("series", { "match[]": 'rate(x[5m])' })).body).toMatchObject({ error: 'invalid parameter "match[]": 1:5: parse error: unexpected "("' });
    expect((await api("labels", { "match[]": "sum(x)" })).body).toMatchObject({ error: '1:4: parse error: unexpected "("' });
    expect((await api("series", { "match[]": '{a=""}' })).body).toMatchObject({ error: 'invalid parameter "match[]": match[] must contain at least one non-empty matcher' });
    expect(await api("label/1a/values", {})).toEqual({ status: 400, body: { status: "error", errorType: "bad_data", error: 'invalid label name: "1a"' } });
    expect(await api("label/%E0%A4%A/values", {})).toMatchObject({ status: 400, body: { errorType: "bad_data" } });
  });

  it("answers an unknown endpoint with not_found 404", async () => {
    expect(await api("/api/v1/nope", {})).toMatchObject({ status: 404, body: { status: "error", errorType: "not_found" } });
  });
});

describe("handlePrometheusRequest", () => {
  it("reads GET query strings and POST forms, form values first as in Go", async () => {
    const get = await handlePrometheusRequest(new Request(`http://console/api/v1/query?query=events_total%20*%202&time=${S + 60}`), store(), 0);
    expect(get.body).toMatchObject({ status: "success", data: { resultType: "vector" } });
    const post = await handlePrometheusRequest(
      new Request("http://console/api/v1/query?query=2", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "query=1%2B1&time=5" }),
      store(),
      0,
    );
    expect(post).toEqual({ status: 200, body: { status: "success", data: { resultType: "scalar", result: [5, "2"] } } });
  });

  it("takes the endpoint from an explicit path when the route is mounted elsewhere", async () => {
    const r = await handlePrometheusRequest(new Request("http://console/prom/api/v1/labels"), store(), 0, { path: "labels" });
    expect(r.body).toMatchObject({ status: "success", data: ["__name__", "component_id", "job"] });
  });
});
