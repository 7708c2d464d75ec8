import { describe, expect, it } from "vitest";
import { SeriesStore } from "../series-store";
import { PromQLError } from "./errors";
import { Evaluator, type EvaluatorOptions } from "./evaluate";
import { parsePromQL } from "./parse-promql";
import type { Value, VectorSample } from "./values";

const T = 1_700_000_000_000;
const sec = (s: number) => T + s * 1000;

/**
 * Counter `req_total` for a/b: +10/s (a) and +1/s (b) every 10 s from t=0 to 300 s; `b` restarts at
 * 150 s. Gauges `temp` for a/b and `temp2` for a (same labels once names are dropped). Histogram buckets for `lat`. `edge_depth`/`edge_cap` per edge.
 */
function store(): SeriesStore {
  const s = new SeriesStore();
  for (let t = 0; t <= 300; t += 10) {
    s.append("req_total", { job: "api", inst: "a" }, sec(t), t * 10);
    s.append("req_total", { job: "api", inst: "b" }, sec(t), t < 150 ? t : t - 150);
    s.append("temp", { inst: "a" }, sec(t), 20 + (t % 30));
    s.append("temp", { inst: "b" }, sec(t), t === 100 ? NaN : -5);
    s.append("temp2", { inst: "a" }, sec(t), 1);
  }
  // 100 observations: 10 ≤ 0.1, 50 ≤ 0.5, 90 ≤ 1.
  for (const [le, n] of [["0.1", 10], ["0.5", 50], ["1", 90], ["+Inf", 100]] as const) s.append("lat_bucket", { le }, sec(300), n);
  s.append("edge_depth", { from: "a", to: "b", pipeline: "p" }, sec(300), 250);
  s.append("edge_depth", { from: "b", to: "c", pipeline: "p" }, sec(300), 900);
  s.append("edge_cap", { from: "a", to: "b", pipeline: "q" }, sec(300), 1000);
  s.append("edge_cap", { from: "b", to: "c", pipeline: "q" }, sec(300), 1000);
  return s;
}

function at(query: string, t: number, opts?: EvaluatorOptions): Value {
  return new Evaluator(store(), opts).instant(parsePromQL(query), t);
}

function vector(query: string, t = sec(300)): VectorSample[] {
  const v = at(query, t);
  if (v.type !== "vector") throw new Error(`${query} gave a ${v.type}`);
  return v.samples;
}

const values = (query: string, t?: number) => Object.fromEntries(vector(query, t).map((s) => [JSON.stringify(s.labels), s.value]));

function evalError(query: string, t = sec(300)): PromQLError {
  try {
    at(query, t);
  } catch (err) {
    if (err instanceof PromQLError) return err;
    throw err;
  }
  throw new Error(`${query} did not fail`);
}

describe("Evaluator: selectors", () => {
  it("returns each series' newest sample within 5 minutes, with __name__", () => {
    expect(vector('req_total{inst="a"}', sec(305))).toEqual([{ labels: { __name__: "req_total", job: "api", inst: "a" }, value: 3000 }]);
    // Last sample at 300 s: still seen 299.999 s later, gone at exactly 5 min (the window is open on the left).
    expect(vector('req_total{inst="a"}', sec(300) + 299_999)).toHaveLength(1);
    expect(vector('req_total{inst="a"}', sec(600))).toHaveLength(0);
  });

  it("shifts by offset, and sees nothing before the first sample", () => {
    expect(vector('req_total{inst="a"} offset 100s', sec(300))[0]!.value).toBe(2000);
    expect(vector("req_total", sec(-1))).toEqual([]);
  });

  it("applies every matcher, regexes anchored, and selects by __name__ regex", () => {
    expect(vector('req_total{inst=~"a|b", inst!="b"}').map((s) => s.labels.inst)).toEqual(["a"]);
    expect(vector('req_total{inst!~"a"}').map((s) => s.labels.inst)).toEqual(["b"]);
    expect(vector('{__name__=~"edge_.*", to="c"}').map((s) => s.labels.__name__)).toEqual(["edge_cap", "edge_depth"]);
  });

  it("returns a NaN sample as NaN (Prometheus keeps it)", () => {
    expect(vector('temp{inst="b"}', sec(100))[0]!.value).toBeNaN();
  });

  it("returns raw samples of a range selector in (t − range, t]", () => {
    const v = at('req_total{inst="a"}[30s]', sec(300));
    expect(v).toEqual({ type: "matrix", series: [{ labels: { __name__: "req_total", job: "api", inst: "a" }, times: [sec(280), sec(290), sec(300)], values: [2800, 2900, 3000] }] });
  });
});

describe("Evaluator: functions", () => {
  it("rate and increase are exact for a steady counter and drop the name", () => {
    expect(vector('rate(req_total{inst="a"}[1m])')).toEqual([{ labels: { job: "api", inst: "a" }, value: 10 }]);
    expect(vector('increase(req_total{inst="a"}[1m])')[0]!.value).toBeCloseTo(600, 10);
  });

  it("counts through a counter reset", () => {
    // b in (110, 170]: 120, 130, 140, restart, 0, 10, 20 → +40 over the 50 s sampled, extrapolated
    // to the 60 s window (the first sample is one interval from the edge): 48.
    expect(vector('increase(req_total{inst="b"}[1m])', sec(170))[0]!.value).toBeCloseTo(48, 10);
  });

  it("irate uses the last two samples, a reset counting from zero", () => {
    expect(vector('irate(req_total{inst="a"}[1m])')[0]!.value).toBe(10);
    expect(vector('irate(req_total{inst="b"}[1m])', sec(150))[0]!.value).toBe(0);
  });

  it("computes the *_over_time family", () => {
    const w = '(temp{inst="a"}[30s])';
    // samples at 280, 290, 300 s: 20 + t % 30 = 30, 40, 20
    expect(vector(`avg_over_time${w}`)[0]!.value).toBeCloseTo(30, 12);
    expect(vector(`min_over_time${w}`)[0]!.value).toBe(20);
    expect(vector(`max_over_time${w}`)[0]!.value).toBe(40);
    expect(vector(`sum_over_time${w}`)[0]!.value).toBe(90);
    expect(vector(`count_over_time${w}`)[0]!.value).toBe(3);
    expect(vector(`last_over_time${w}`)).toEqual([{ labels: { __name__: "temp", inst: "a" }, value: 20 }]);
  });

  it("histogram_quantile interpolates within the bucket, dropping le", () => {
    expect(vector("histogram_quantile(0.5, lat_bucket)")).toEqual([{ labels: {}, value: 0.5 }]);
    expect(vector("histogram_quantile(0.7, lat_bucket)")[0]!.value).toBeCloseTo(0.75, 12);
  });

  it("abs, clamp_min, clamp_max, scalar, vector, time", () => {
    expect(values('abs(temp{inst="b"})')).toEqual({ '{"inst":"b"}': 5 });
    expect(values("clamp_min(temp, 0)")).toEqual({ '{"inst":"a"}': 20, '{"inst":"b"}': 0 });
    expect(values("clamp_max(temp, 0)")).toEqual({ '{"inst":"a"}': 0, '{"inst":"b"}': -5 });
    expect(at('scalar(temp{inst="a"})', sec(300))).toEqual({ type: "scalar", value: 20 });
    expect((at("scalar(temp)", sec(300)) as { value: number }).value).toBeNaN();
    expect(vector("vector(2)")).toEqual([{ labels: {}, value: 2 }]);
    expect(at("time()", sec(300))).toEqual({ type: "scalar", value: T / 1000 + 300 });
  });
});

describe("Evaluator: aggregations", () => {
  it("sum/avg/min/max/count by and without", () => {
    expect(values("sum by (job) (rate(req_total[1m]))")).toEqual({ '{"job":"api"}': 11 });
    expect(values("sum without (inst) (rate(req_total[1m]))")).toEqual({ '{"job":"api"}': 11 });
    expect(values("avg(temp)")).toEqual({ "{}": 7.5 });
    expect(values("min(temp)")).toEqual({ "{}": -5 });
    expect(values("max by (inst) (temp)")).toEqual({ '{"inst":"a"}': 20, '{"inst":"b"}': -5 });
    expect(values("count(req_total)")).toEqual({ "{}": 2 });
  });

  it("min and max skip a NaN while a number competes", () => {
    expect(values("max(temp)", sec(100))).toEqual({ "{}": 30 });
    expect(values("min(temp)", sec(100))).toEqual({ "{}": 30 });
  });

  it("avg stays infinite with same-signed infinities and is NaN with opposite ones", () => {
    expect(values("avg(abs(temp) / 0)")).toEqual({ "{}": Infinity });
    expect(values("avg(temp / 0)")).toEqual({ "{}": NaN });
  });

  it("topk and bottomk keep whole series, best first; k < 1 selects none", () => {
    expect(vector("topk(1, temp)")).toEqual([{ labels: { __name__: "temp", inst: "a" }, value: 20 }]);
    expect(vector("bottomk(2, temp)").map((s) => s.value)).toEqual([-5, 20]);
    expect(vector("topk(0, temp)")).toEqual([]);
    expect(vector("topk(1, temp)", sec(100))[0]!.labels.inst).toBe("a");
    expect(vector("bottomk(1, temp)", sec(100))[0]!.labels.inst).toBe("a");
  });
});

describe("Evaluator: operators", () => {
  it("scalar arithmetic and bool comparisons", () => {
    expect(at("1 + 2 * 3 - 4 / 2", T)).toEqual({ type: "scalar", value: 5 });
    expect(at("-7 % 3", T)).toEqual({ type: "scalar", value: -1 });
    expect(at("2 ^ 10", T)).toEqual({ type: "scalar", value: 1024 });
    expect(at("1 ^ NaN", T)).toEqual({ type: "scalar", value: 1 });
    expect(at("3 >= bool 3", T)).toEqual({ type: "scalar", value: 1 });
    expect(at("3 < bool 3", T)).toEqual({ type: "scalar", value: 0 });
  });

  it("vector–scalar arithmetic drops the name; comparisons filter and keep the vector's value", () => {
    expect(vector('temp{inst="a"} * 2')).toEqual([{ labels: { inst: "a" }, value: 40 }]);
    expect(vector("temp > 0")).toEqual([{ labels: { __name__: "temp", inst: "a" }, value: 20 }]);
    expect(vector("0 < temp")).toEqual([{ labels: { __name__: "temp", inst: "a" }, value: 20 }]);
    expect(values("temp > bool 0")).toEqual({ '{"inst":"a"}': 1, '{"inst":"b"}': 0 });
  });

  it("unary minus negates and drops the name; unary plus changes nothing", () => {
    expect(values("-temp")).toEqual({ '{"inst":"a"}': -20, '{"inst":"b"}': 5 });
    expect(vector("+temp")[0]!.labels.__name__).toBe("temp");
  });

  it("vector–vector matches one-to-one on all labels but the name, or on()/ignoring()", () => {
    expect(vector("edge_depth / edge_cap")).toEqual([]);
    expect(values("edge_depth / on(from, to) edge_cap")).toEqual({ '{"from":"a","to":"b"}': 0.25, '{"from":"b","to":"c"}': 0.9 });
    expect(values("edge_depth / ignoring(pipeline) edge_cap")).toEqual({ '{"from":"a","to":"b"}': 0.25, '{"from":"b","to":"c"}': 0.9 });
    expect(vector("edge_depth > on(from, to) edge_cap * 0.5")).toEqual([{ labels: { from: "b", to: "c" }, value: 900 }]);
    expect(values("edge_depth >= bool ignoring(pipeline) edge_cap")).toEqual({ '{"from":"a","to":"b"}': 0, '{"from":"b","to":"c"}': 0 });
  });

  it("fails like Prometheus on ambiguous matches and colliding label sets", () => {
    expect(evalError("temp * on() vector(1)").message).toBe("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
    expect(evalError("temp / ignoring(inst) temp").message).toBe(
      'found duplicate series for the match group {} on the right hand-side of the operation: [{__name__="temp", inst="b"}, {__name__="temp", inst="a"}];many-to-many matching not allowed: matching labels must be unique on one side',
    );
    const err = evalError('abs({__name__=~"temp2?", inst="a"})');
    expect(err).toMatchObject({ errorType: "execution", message: "vector cannot contain metrics with the same labelset" });
  });
});

describe("Evaluator: range queries and limits", () => {
  it("evaluates at every step, series sorted by labels, a scalar as one unlabelled series", async () => {
    const ev = new Evaluator(store());
    const r = await ev.range(parsePromQL("rate(req_total[20s])"), sec(100), sec(130), 10_000);
    expect(r.series.map((s) => s.labels.inst)).toEqual(["a", "b"]);
    expect(r.series[0]!.points).toEqual([
      [sec(100), 10],
      [sec(110), 10],
      [sec(120), 10],
      [sec(130), 10],
    ]);
    expect(await new Evaluator(store()).range(parsePromQL("time()"), sec(0), sec(20), 10_000)).toEqual({
      series: [{ labels: {}, points: [[sec(0), T / 1000], [sec(10), T / 1000 + 10], [sec(20), T / 1000 + 20]] }],
    });
  });

  it("leaves out steps where a series has no value", async () => {
    const r = await new Evaluator(store()).range(parsePromQL('req_total{inst="a"}'), sec(590), sec(610), 10_000);
    expect(r.series[0]!.points.map(([t]) => t)).toEqual([sec(590)]);
  });

  it("stops a query that reads more samples than allowed", () => {
    expect(() => at("count_over_time(req_total[5m])", sec(300), { maxSamples: 50 })).toThrow(
      new PromQLError("execution", "query processing would load too many samples into memory in query execution"),
    );
  });

  it("times out between steps, by the injected clock", async () => {
    let now = 0;
    const ev = new Evaluator(store(), { timeoutMs: 1000, clock: () => (now += 300) });
    await expect(ev.range(parsePromQL("temp"), sec(0), sec(300), 10_000)).rejects.toMatchObject({ errorType: "timeout", message: "query timed out in expression evaluation" });
  });

  it("is cancelled by its signal", async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(new Evaluator(store(), { signal: ac.signal }).range(parsePromQL("temp"), sec(0), sec(10), 1000)).rejects.toMatchObject({ errorType: "canceled" });
  });
});
