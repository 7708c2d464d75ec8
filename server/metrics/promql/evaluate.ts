/**
 * Evaluates a parsed PromQL {@link Expr} over a {@link SeriesSource} with Prometheus's rules: an
 * instant selector takes each series' newest sample in `(t − lookback, t]`, a range selector the
 * samples in `(t − range, t]` (both shifted by `offset`), a range query evaluates the expression at
 * `start, start + step, …, ≤ end`. Work is bounded: a query reads at most `maxSamples` samples and
 * gives up after `timeoutMs`, and a range query yields to the event loop between steps.
 */
import type { Expr, VectorSelectorNode } from "./ast";
import { evalAggregate } from "./eval-aggregate";
import { scalarBinary, vectorScalarBinary, vectorVectorBinary } from "./eval-binary";
import { evalElementwise, evalHistogramQuantile, evalRangeFunction, rangeFunctionLabels, type RangeFunctionName } from "./eval-functions";
import { PromQLError } from "./errors";
import { lastIndexAtOrBefore, selectSeries, type SelectedSeries, type SeriesSource } from "./series-source";
import { assertUniqueLabelsets, compareLabels, dropMetricName, labelsKey, type Labels, type MatrixSeries, type Value, type VectorSample } from "./values";

export interface EvaluatorOptions {
  /** How far back an instant selector looks for a sample. @default 300_000 (5 min, Prometheus' default) */
  lookbackMs?: number;
  /** Most samples one query may read (Prometheus' `--query.max-samples`). @default 50_000_000 */
  maxSamples?: number;
  /** Wall-clock budget of one query. @default 120_000 (Prometheus' `--query.timeout`) */
  timeoutMs?: number;
  /** Cancels a running range query between steps. */
  signal?: AbortSignal;
  /** Clock for the timeout. @default performance.now */
  clock?: () => number;
}

/** A range query's result: series sorted by labels, points `[ms, value]` oldest first. */
export interface RangeResult {
  series: Array<{ labels: Labels; points: Array<[number, number]> }>;
}

/** Time a range query runs before it lets other work on the event loop proceed. */
const YIELD_EVERY_MS = 20;

/** One query's evaluation: series are selected once and reused by every step. */
export class Evaluator {
  private readonly lookbackMs: number;
  private readonly maxSamples: number;
  private readonly deadline: number;
  private readonly clock: () => number;
  private readonly selections = new Map<VectorSelectorNode, SelectedSeries[]>();
  private samplesRead = 0;

  constructor(
    private readonly source: SeriesSource,
    private readonly opts: EvaluatorOptions = {},
  ) {
    this.lookbackMs = opts.lookbackMs ?? 300_000;
    this.maxSamples = opts.maxSamples ?? 50_000_000;
    this.clock = opts.clock ?? (() => performance.now());
    this.deadline = this.clock() + (opts.timeoutMs ?? 120_000);
  }

  /** The value of `e` at `t` (ms). Instant vectors come back sorted by labels, except topk/bottomk's ranking. */
  instant(e: Expr, t: number): Value {
    this.checkBudget();
    const v = this.eval(e, t);
    if (v.type === "vector" && !(e.type === "aggregate" && (e.op === "topk" || e.op === "bottomk"))) v.samples.sort((a, b) => compareLabels(a.labels, b.labels));
    return v;
  }

  /** `e` (scalar or instant vector) at every step of `[startMs, endMs]`. */
  async range(e: Expr, startMs: number, endMs: number, stepMs: number): Promise<RangeResult> {
    const out = new Map<string, { labels: Labels; points: Array<[number, number]> }>();
    let lastYield = this.clock();
    for (let t = startMs; t <= endMs; t += stepMs) {
      this.checkBudget();
      if (this.clock() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = this.clock();
        this.checkBudget();
      }
      const v = this.eval(e, t);
      const samples: VectorSample[] = v.type === "scalar" ? [{ labels: {}, value: v.value }] : v.type === "vector" ? v.samples : [];
      for (const s of samples) {
        const key = labelsKey(s.labels);
        let series = out.get(key);
        if (!series) out.set(key, (series = { labels: s.labels, points: [] }));
        series.points.push([t, s.value]);
      }
    }
    return { series: [...out.values()].sort((a, b) => compareLabels(a.labels, b.labels)) };
  }

  private checkBudget(): void {
    if (this.opts.signal?.aborted) throw new PromQLError("canceled", "query was canceled in expression evaluation");
    if (this.clock() > this.deadline) throw new PromQLError("timeout", "query timed out in expression evaluation");
  }

  private read(n: number): void {
    this.samplesRead += n;
    if (this.samplesRead > this.maxSamples) throw new PromQLError("execution", "query processing would load too many samples into memory in query execution");
  }

  private eval(e: Expr, t: number): Value {
    switch (e.type) {
      case "number":
        return { type: "scalar", value: e.value };
      case "string":
        return { type: "string", value: e.value };
      case "vectorSelector":
        return { type: "vector", samples: this.instantSelect(e, t) };
      case "matrixSelector":
        return { type: "matrix", series: this.rangeSelect(e.selector, e.rangeMs, t) };
      case "unary": {
        const v = this.eval(e.expr, t);
        if (e.op === "+") return v;
        if (v.type === "scalar") return { type: "scalar", value: -v.value };
        const samples = this.vector(v).map((s) => ({ labels: dropMetricName(s.labels), value: -s.value }));
        assertUniqueLabelsets(samples);
        return { type: "vector", samples };
      }
      case "binary":
        return this.binary(e, t);
      case "aggregate": {
        const samples = this.vector(this.eval(e.expr, t));
        const param = e.param ? this.scalar(this.eval(e.param, t)) : NaN;
        return { type: "vector", samples: evalAggregate(e, samples, param) };
      }
      case "call":
        return this.call(e, t);
    }
  }

  private binary(e: Extract<Expr, { type: "binary" }>, t: number): Value {
    const l = this.eval(e.lhs, t);
    const r = this.eval(e.rhs, t);
    if (l.type === "scalar" && r.type === "scalar") return { type: "scalar", value: scalarBinary(e.op, l.value, r.value) };
    let samples: VectorSample[];
    if (l.type === "scalar") samples = vectorScalarBinary(e.op, this.vector(r), l.value, true, e.bool);
    else if (r.type === "scalar") samples = vectorScalarBinary(e.op, this.vector(l), r.value, false, e.bool);
    else samples = vectorVectorBinary(e.op, this.vector(l), this.vector(r), e.matching, e.bool);
    assertUniqueLabelsets(samples);
    return { type: "vector", samples };
  }

  private call(e: Extract<Expr, { type: "call" }>, t: number): Value {
    const arg = (i: number): Value => this.eval(e.args[i]!, t);
    let samples: VectorSample[];
    switch (e.func) {
      case "time":
        return { type: "scalar", value: t / 1000 };
      case "scalar": {
        const v = this.vector(arg(0));
        return { type: "scalar", value: v.length === 1 ? v[0]!.value : NaN };
      }
      case "vector":
        return { type: "vector", samples: [{ labels: {}, value: this.scalar(arg(0)) }] };
      case "histogram_quantile":
        samples = evalHistogramQuantile(this.scalar(arg(0)), this.vector(arg(1)));
        break;
      case "abs":
        samples = evalElementwise(e.func, this.vector(arg(0)), NaN);
        break;
      case "clamp_min":
      case "clamp_max":
        samples = evalElementwise(e.func, this.vector(arg(0)), this.scalar(arg(1)));
        break;
      default:
        samples = this.rangeFunction(e.func, e.args[0]!, t);
    }
    assertUniqueLabelsets(samples);
    return { type: "vector", samples };
  }

  private rangeFunction(func: RangeFunctionName, argExpr: Expr, t: number): VectorSample[] {
    if (argExpr.type !== "matrixSelector") throw new Error(`${func} needs a range selector (checked at parse time)`);
    const end = t - argExpr.selector.offsetMs;
    const window = { start: end - argExpr.rangeMs, end };
    const out: VectorSample[] = [];
    for (const s of this.rangeSelect(argExpr.selector, argExpr.rangeMs, t)) {
      const value = evalRangeFunction(func, s, window);
      if (value !== undefined) out.push({ labels: rangeFunctionLabels(func, s.labels), value });
    }
    return out;
  }

  private vector(v: Value): VectorSample[] {
    if (v.type !== "vector") throw new Error(`expected an instant vector, got ${v.type} (checked at parse time)`);
    return v.samples;
  }

  private scalar(v: Value): number {
    if (v.type !== "scalar") throw new Error(`expected a scalar, got ${v.type} (checked at parse time)`);
    return v.value;
  }

  /** The newest sample of each series in `(ref − lookback, ref]`. */
  private instantSelect(sel: VectorSelectorNode, t: number): VectorSample[] {
    const ref = t - sel.offsetMs;
    const out: VectorSample[] = [];
    for (const { labels, view } of this.select(sel)) {
      const i = lastIndexAtOrBefore(view, ref);
      if (i < 0 || view.timeAt(i) <= ref - this.lookbackMs) continue;
      out.push({ labels, value: view.valueAt(i) });
    }
    this.read(out.length);
    return out;
  }

  /** Each series' samples in `(ref − range, ref]`; series without any are left out. */
  private rangeSelect(sel: VectorSelectorNode, rangeMs: number, t: number): MatrixSeries[] {
    const ref = t - sel.offsetMs;
    const out: MatrixSeries[] = [];
    for (const { labels, view } of this.select(sel)) {
      const end = lastIndexAtOrBefore(view, ref);
      let start = end;
      while (start >= 0 && view.timeAt(start) > ref - rangeMs) start--;
      if (start === end) continue;
      const times: number[] = [];
      const values: number[] = [];
      for (let i = start + 1; i <= end; i++) {
        times.push(view.timeAt(i));
        values.push(view.valueAt(i));
      }
      this.read(times.length);
      out.push({ labels, times, values });
    }
    return out;
  }

  /** The series a selector names, looked up once per query. */
  private select(sel: VectorSelectorNode): SelectedSeries[] {
    let selected = this.selections.get(sel);
    if (!selected) this.selections.set(sel, (selected = selectSeries(this.source, sel)));
    return selected;
  }
}
