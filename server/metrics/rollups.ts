/**
 * 10 s rollups: the last value of every diagnosis/console-relevant series in each 10 s bucket
 * (counters stay counters, so rate() over rollups still works, at 10 s resolution). Of the runtime
 * defaults only what diagnosis reads is kept (CPU, GC pause time); the rest is for live debugging.
 */
import type { MetricRollupPoint } from "../core/metric-rollup";
import type { SeriesStore } from "./series-store";

/** Families persisted with a run. */
export function isRollupSeries(name: string): boolean {
  return (
    name.startsWith("component_") ||
    name.startsWith("flowctl_edge_") ||
    name.startsWith("flowctl_component_") ||
    name === "up" ||
    // Diagnosis of a stored run: host saturation and GC pressure, as when it was live.
    name === "process_cpu_seconds_total" ||
    name === "flowctl_engine_process_cpu_seconds_total" ||
    name === "flowctl_host_cpu_busy_seconds_total" ||
    name === "flowctl_host_cpus" ||
    name === "nodejs_gc_duration_seconds_sum" ||
    name === "go_gc_duration_seconds_sum" ||
    name === "flowctl_registered_components" ||
    name === "flowctl_healthy_components" ||
    name === "flowctl_active_streams"
  );
}

/**
 * Points for the bucket `(afterMs, untilMs]`: each series' newest sample in it, stamped when it was
 * scraped. Stamping at the bucket boundary instead would date a counter read up to a scrape
 * interval earlier as if read at the boundary, and over-read rates over short stored windows.
 * Series with no sample in the bucket contribute nothing (no fake zeros, no repeats).
 */
export function rollupPoints(store: SeriesStore, bucket: { afterMs: number; untilMs: number }): MetricRollupPoint[] {
  const points: MetricRollupPoint[] = [];
  for (const name of store.names()) {
    if (!isRollupSeries(name)) continue;
    for (const s of store.select(name)) {
      for (let i = s.length - 1; i >= 0; i--) {
        const t = s.timeAt(i);
        if (t > bucket.untilMs) continue;
        if (t <= bucket.afterMs) break;
        const v = s.valueAt(i);
        if (Number.isFinite(v)) points.push({ name, labels: { ...s.labels }, t: new Date(t), value: v });
        break;
      }
    }
  }
  return points;
}

/** Loads stored rollups back into a series store (for diagnosing a finished run). */
export function loadRollups(store: SeriesStore, points: readonly MetricRollupPoint[]): void {
  const sorted = [...points].sort((a, b) => a.t.getTime() - b.t.getTime());
  for (const p of sorted) store.append(p.name, p.labels, p.t.getTime(), p.value);
}
