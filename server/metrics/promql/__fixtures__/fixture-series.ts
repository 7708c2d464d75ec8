/**
 * A fixed, deterministic set of series for testing the PromQL engine, loadable into a SeriesStore
 * and writable as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`, so the same
 * samples can be queried here and in a real Prometheus.
 *
 * Samples are 10 s apart at `T0 + k·10 s + 217 ms`: query times and windows on whole seconds never
 * fall on a sample, so Prometheus 2.x (closed window start) and 3.x (open) select the same samples.
 */
import type { SeriesStore } from "../../series-store";

/** 2023-11-14T22:13:20Z, a 2 h block boundary's neighbourhood does not matter here. */
export const T0 = 1_700_000_000_000;
/** 30 minutes of data. */
export const FIXTURE_DURATION_MS = 30 * 60_000;
const STEP_MS = 10_000;
const JITTER_MS = 217;

export interface FixtureSample {
  name: string;
  labels: Record<string, string>;
  t: number;
  value: number;
}

const COMPONENTS = [
  { id: "src", rate: 100, from: 0, to: FIXTURE_DURATION_MS },
  // Restarts at minute 12: its counters start again from 0.
  { id: "work", rate: 80, from: 0, to: FIXTURE_DURATION_MS, resetAt: 12 * 60_000 },
  // Starts late and stops early: lookback and window edges matter.
  { id: "sink", rate: 60, from: 5 * 60_000, to: 25 * 60_000 },
];
const BUCKETS = ["0.005", "0.01", "0.05", "0.1", "0.5", "+Inf"];
/** Share of observations at or below each bound (cumulative), per component. */
const BUCKET_SHARE: Readonly<Record<string, readonly number[]>> = {
  src: [0.5, 0.8, 0.95, 0.99, 1, 1],
  work: [0.1, 0.3, 0.6, 0.9, 0.97, 1],
  sink: [0, 0.05, 0.2, 0.5, 0.9, 1],
};

/** Every sample of the fixture, each series in time order. */
export function fixtureSamples(): FixtureSample[] {
  const out: FixtureSample[] = [];
  for (const c of COMPONENTS) {
    const base = { component_id: c.id, pipeline: "orders", job: "flowctl-component" };
    const counter: FixtureSample[] = [];
    const queue: FixtureSample[] = [];
    const buckets: FixtureSample[][] = BUCKETS.map(() => []);
    for (let k = 0; k * STEP_MS <= FIXTURE_DURATION_MS; k++) {
      const offset = k * STEP_MS;
      if (offset < c.from || offset > c.to) continue;
      const t = T0 + offset + JITTER_MS;
      const since = c.resetAt !== undefined && offset >= c.resetAt ? offset - c.resetAt : offset - c.from;
      // Irregular but deterministic growth: the rate wobbles ±20 % with k.
      const events = Math.round((since / 1000) * c.rate * (1 + 0.2 * Math.sin(k / 3)));
      counter.push({ name: "component_events_processed_total", labels: base, t, value: Math.max(events, 0) });
      const depth = k % 37 === 20 && c.id === "work" ? NaN : Math.round(500 + 400 * Math.sin(k / 5 + c.rate));
      queue.push({ name: "component_queue_depth", labels: base, t, value: depth });
      const observed = Math.max(events, 0);
      BUCKETS.forEach((le, i) => buckets[i]!.push({ name: "component_processing_duration_seconds_bucket", labels: { ...base, le }, t, value: Math.round(observed * BUCKET_SHARE[c.id]![i]!) }));
    }
    out.push(...counter, ...queue, ...buckets.flat());
  }
  for (const [from, to, depth] of [
    ["src", "work", 120],
    ["work", "sink", 870],
  ] as const) {
    for (let k = 0; k * STEP_MS <= FIXTURE_DURATION_MS; k++) {
      const t = T0 + k * STEP_MS + JITTER_MS;
      const labels = { pipeline: "orders", from, to };
      out.push({ name: "flowctl_edge_queue_capacity", labels, t, value: 1000 });
      out.push({ name: "flowctl_edge_queue_depth", labels, t, value: depth + ((k * 37) % 100) });
    }
  }
  // Two names with the same labels: dropping the name makes them collide.
  for (const name of ["dup_a_total", "dup_b_total"]) {
    for (let k = 0; k < 30; k++) out.push({ name, labels: { x: "1" }, t: T0 + k * STEP_MS + JITTER_MS, value: k * (name === "dup_a_total" ? 2 : 3) });
  }
  return out;
}

/** Loads the fixture into a store. */
export function loadFixture(store: SeriesStore, samples: readonly FixtureSample[] = fixtureSamples()): SeriesStore {
  for (const s of samples) store.append(s.name, s.labels, s.t, s.value);
  return store;
}

/** The fixture as OpenMetrics text with timestamps (seconds), one family after another. */
export function toOpenMetrics(samples: readonly FixtureSample[]): string {
  const byName = new Map<string, FixtureSample[]>();
  for (const s of samples) {
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }
  const lines: string[] = [];
  for (const [name, list] of byName) {
    lines.push(`# TYPE ${name} unknown`);
    for (const s of list) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",");
      lines.push(`${name}{${labels}} ${Number.isNaN(s.value) ? "NaN" : s.value} ${(s.t / 1000).toFixed(3)}`);
    }
  }
  lines.push("# EOF");
  return lines.join("\n") + "\n";
}
