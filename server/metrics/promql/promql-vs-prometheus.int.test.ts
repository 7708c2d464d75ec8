/**
 * Our Prometheus API against a real Prometheus (Debian package, 2.42): the fixture series are
 * backfilled into its TSDB with `promtool tsdb create-blocks-from openmetrics` and loaded into a
 * SeriesStore; every query of query-cases.ts goes to both, and the answers must match — result
 * types, label sets and timestamps exactly, values within float noise (1e-9 relative), errors by
 * status, type and (for parse errors) message. Skipped when prometheus is not installed; CI
 * installs it and fails without it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SeriesStore } from "../series-store";
import { prometheusAvailable, startPrometheus, type PrometheusProcess } from "../test-support/prometheus-process";
import { fixtureSamples, loadFixture, T0, toOpenMetrics } from "./__fixtures__/fixture-series";
import { EXECUTION_ERRORS, INSTANT_QUERIES, INSTANT_TIMES, PARSE_ERRORS, RANGE_QUERIES, UNSUPPORTED } from "./__fixtures__/query-cases";
import { handlePrometheusApi } from "./prometheus-api";

type Body = { status: "success"; data: unknown } | { status: "error"; errorType: string; error: string };
interface Answer {
  status: number;
  body: Body;
}

const available = prometheusAvailable();

/** Values as numbers for tolerant comparison; "NaN"/"±Inf" stay exact. */
function closeEnough(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

type Point = [number, string];
type Result = { metric: Record<string, string>; value?: Point; values?: Point[] };

/** The differences between two answers, as readable lines (empty when they agree). */
function differences(ours: Answer, theirs: Answer): string[] {
  if (ours.status !== theirs.status || ours.body.status !== theirs.body.status) return [`status ${ours.status} ${JSON.stringify(ours.body)} vs ${theirs.status} ${JSON.stringify(theirs.body)}`];
  if (ours.body.status === "error" || theirs.body.status === "error") {
    const [o, t] = [ours.body as Extract<Body, { status: "error" }>, theirs.body as Extract<Body, { status: "error" }>];
    return o.errorType === t.errorType ? [] : [`errorType ${o.errorType} vs ${t.errorType}`];
  }
  const [o, t] = [ours.body.data as { resultType: string; result: unknown }, theirs.body.data as { resultType: string; result: unknown }];
  if (o.resultType !== t.resultType) return [`resultType ${o.resultType} vs ${t.resultType}`];
  if (o.resultType === "scalar" || o.resultType === "string") {
    const [op, tp] = [o.result as Point, t.result as Point];
    return op[0] === tp[0] && closeEnough(op[1], tp[1]) ? [] : [`${JSON.stringify(op)} vs ${JSON.stringify(tp)}`];
  }
  const index = (r: Result[]) => new Map(r.map((x) => [JSON.stringify(Object.entries(x.metric).sort()), x.value ? [x.value] : x.values!]));
  const [om, tm] = [index(o.result as Result[]), index(t.result as Result[])];
  const diffs: string[] = [];
  for (const key of new Set([...om.keys(), ...tm.keys()])) {
    const [op, tp] = [om.get(key), tm.get(key)];
    if (!op || !tp) {
      diffs.push(`series ${key} only in ${op ? "ours" : "prometheus"}`);
      continue;
    }
    if (op.length !== tp.length) diffs.push(`series ${key}: ${op.length} points vs ${tp.length}: ${JSON.stringify(op)} vs ${JSON.stringify(tp)}`);
    else op.forEach((p, i) => p[0] === tp[i]![0] && closeEnough(p[1], tp[i]![1]) || diffs.push(`series ${key} point ${i}: ${JSON.stringify(p)} vs ${JSON.stringify(tp[i])}`));
  }
  return diffs;
}

describe.skipIf(!available)("the Prometheus API agrees with a real Prometheus", () => {
  let prom: PrometheusProcess;
  const store = loadFixture(new SeriesStore());

  beforeAll(async () => {
    prom = await startPrometheus({ openMetrics: toOpenMetrics(fixtureSamples()) });
  });

  afterAll(async () => {
    await prom?.stop();
  });

  async function both(path: string, params: Record<string, string | string[]>): Promise<{ ours: Answer; theirs: Answer }> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) search.append(k, x);
    const ours = (await handlePrometheusApi(path, search, store, T0)) as Answer;
    // POST form as Grafana sends it; label values are GET-only in Prometheus.
    const r = path.startsWith("label/") ? await fetch(`${prom.url}/api/v1/${path}?${search}`) : await fetch(`${prom.url}/api/v1/${path}`, { method: "POST", body: search });
    return { ours, theirs: { status: r.status, body: (await r.json()) as Body } };
  }

  it("answers every instant query with the same vectors, scalars and matrices", async () => {
    const failures: string[] = [];
    let nonEmpty = 0;
    for (const query of INSTANT_QUERIES) {
      for (const time of INSTANT_TIMES) {
        const { ours, theirs } = await both("query", { query, time });
        const d = differences(ours, theirs);
        if (d.length) failures.push(`${query} @ ${time}:\n    ${d.slice(0, 5).join("\n    ")}`);
        if (JSON.stringify(theirs.body).includes('"metric":{"')) nonEmpty++;
      }
    }
    expect(failures).toEqual([]);
    // The comparison means something only if most answers hold labelled series.
    expect(nonEmpty).toBeGreaterThan(INSTANT_QUERIES.length * 3);
  });

  it("answers every range query with the same matrices", async () => {
    const failures: string[] = [];
    for (const { query, start, end, step } of RANGE_QUERIES) {
      const { ours, theirs } = await both("query_range", { query, start, end, step });
      expect(theirs.body.status, `${query}: ${JSON.stringify(theirs.body)}`).toBe("success");
      const d = differences(ours, theirs);
      if (d.length) failures.push(`${query}:\n    ${d.slice(0, 5).join("\n    ")}`);
    }
    expect(failures).toEqual([]);
  });

  it("fails the same queries at evaluation with the same execution errors", async () => {
    for (const { query, time } of EXECUTION_ERRORS) {
      const { ours, theirs } = await both("query", { query, time });
      expect(theirs.status, query).toBe(422);
      expect(ours).toEqual(theirs);
    }
  });

  it("words parse errors exactly as Prometheus does", async () => {
    for (const [query, message] of PARSE_ERRORS) {
      const { ours, theirs } = await both("query", { query, time: INSTANT_TIMES[1]! });
      expect(theirs.body, query).toEqual({ status: "error", errorType: "bad_data", error: `invalid parameter "query": ${message}` });
      expect(ours, query).toEqual(theirs);
    }
  });

  it("refuses with bad_data what it does not implement, where Prometheus answers", async () => {
    // Duration arithmetic is newer than Prometheus 2.42, which refuses it too.
    for (const [query] of UNSUPPORTED.filter(([q]) => !q.includes("1m+1m"))) {
      const { ours, theirs } = await both("query", { query, time: INSTANT_TIMES[1]! });
      expect(theirs.status, query).toBe(200);
      expect(ours.status, query).toBe(400);
      expect(ours.body, query).toMatchObject({ status: "error", errorType: "bad_data" });
    }
  });

  it("answers bad parameters with the same errors", async () => {
    const cases: Array<[string, Record<string, string | string[]>]> = [
      ["query", { query: "1", time: "abc" }],
      ["query", { query: "1", timeout: "abc" }],
      ["query_range", { query: "1", start: "0", end: "10", step: "0" }],
      ["query_range", { query: "1", start: "0", end: "10", step: "abc" }],
      ["query_range", { query: "1", start: "10", end: "0", step: "1" }],
      ["query_range", { query: "1", start: "0", end: "100000", step: "1" }],
      ["query_range", { query: "1", start: "0", end: "10" }],
      ["query_range", { query: "1", end: "10", step: "1" }],
      ["query_range", { query: '"a"', start: "0", end: "10", step: "1" }],
      ["query_range", { query: "x[5m]", start: "0", end: "10", step: "1" }],
      ["series", {}],
      ["series", { "match[]": '{a=""}' }],
      ["series", { "match[]": ["up", "rate(x[5m])"] }],
      ["labels", { start: "abc" }],
      ["label/1a/values", {}],
    ];
    for (const [path, params] of cases) {
      const { ours, theirs } = await both(path, params);
      expect(ours, `${path} ${JSON.stringify(params)}`).toEqual(theirs);
    }
  });

  it("accepts timestamps and steps in every form Prometheus does", async () => {
    for (const time of ["2023-11-14T22:23:20.781Z", "2023-11-14T23:23:20+01:00", "1700000600.7815", "1.7000006e9"]) {
      const { ours, theirs } = await both("query", { query: "sum(component_queue_depth)", time });
      expect(differences(ours, theirs), time).toEqual([]);
    }
    const { ours, theirs } = await both("query_range", { query: "count(component_queue_depth)", start: "2023-11-14T22:13:20Z", end: String(T0 / 1000 + 600.5), step: "1m30s" });
    expect(differences(ours, theirs)).toEqual([]);
  });

  it("lists the same series, label names and label values", async () => {
    const range = { start: String(T0 / 1000 - 60), end: String(T0 / 1000 + 3600) };
    const cases: Array<[string, Record<string, string | string[]>]> = [
      ["series", { "match[]": "component_queue_depth", ...range }],
      ["series", { "match[]": ['{__name__=~"flowctl_.*"}', 'component_events_processed_total{component_id=~"s.*"}'], ...range }],
      ["series", { "match[]": "component_events_processed_total", start: String(T0 / 1000 + 1600), end: String(T0 / 1000 + 1700) }],
      ["labels", range],
      ["labels", { "match[]": "flowctl_edge_queue_depth", ...range }],
      ["label/component_id/values", range],
      ["label/__name__/values", range],
      ["label/le/values", { "match[]": 'component_processing_duration_seconds_bucket{component_id="src"}', ...range }],
    ];
    for (const [path, params] of cases) {
      const { ours, theirs } = await both(path, params);
      expect(theirs.body.status).toBe("success");
      expect(ours, `${path} ${JSON.stringify(params)}`).toEqual(theirs);
    }
  });
});
