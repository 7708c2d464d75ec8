/**
 * A label-less histogram for the SDK's per-event timings. prom-client's `Histogram.observe`
 * allocates a closure, a label object and a value pair per call; at 10k events/s that was 15–17 %
 * of what a processor and a sink allocated, and young-generation GC pauses are what the
 * end-to-end latency tail is made of (docs/benchmarks.md, "The latency tail").
 * `observe` here only increments numbers. It registers in a prom-client Registry like any metric
 * and exposes exactly what a prom-client Histogram with the same buckets would.
 */
import type client from "prom-client";

/** The value list a prom-client Registry formats (what `Histogram.get()` returns). */
interface ExposedValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

export class FastHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly bounds: Float64Array;
  /** Observations per bucket, not cumulative; the last slot is above every bound (+Inf). */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[],
    registers: readonly client.Registry[],
  ) {
    this.bounds = Float64Array.from([...buckets].sort((a, b) => a - b));
    this.counts = new Float64Array(this.bounds.length + 1);
    for (const r of registers) r.registerMetric(this as unknown as client.Metric);
  }

  /** Records one value (seconds); a value equal to a bound counts in that bound's bucket, as in Prometheus. */
  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`${this.name}: value is not a finite number: ${value}`);
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  /** What the registry formats: cumulative buckets, +Inf, _sum, _count. */
  async get(): Promise<{ name: string; help: string; type: "histogram"; aggregator: "sum"; values: ExposedValue[] }> {
    const bucket = `${this.name}_bucket`;
    const values: ExposedValue[] = [];
    let acc = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      acc += this.counts[i]!;
      values.push({ labels: { le: this.bounds[i]! }, value: acc, metricName: bucket });
    }
    values.push({ labels: { le: "+Inf" }, value: this.count, metricName: bucket });
    values.push({ labels: {}, value: this.sum, metricName: `${this.name}_sum` });
    values.push({ labels: {}, value: this.count, metricName: `${this.name}_count` });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
