/**
 * 10 s rollups: the last value of every diagnosis/console-relevant series at each 10 s boundary
 * (counters stay counters, so rate() over rollups still works, at 10 s resolution). Node/process
 * default metrics are left out: they are for live debugging, not a run's history.
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
    name === "flowctl_registered_components" ||
    name === "flowctl_healthy_components" ||
    name === "flowctl_active_streams"
  );
}

/**
 * Points for the bucket `(boundary - resolutionMs, boundary]`: each series' newest sample in it,
 * stamped at `boundary`. Series with no sample in the bucket contribute nothing (no fake zeros).
 */
export function rollupPoints(store: SeriesStore, boundaryMs: number, resolutionMs: number, stampMs = boundaryMs): MetricRollupPoint[] {
  const points: MetricRollupPoint[] = [];
  for (const name of store.names()) {
    if (!isRollupSeries(name)) continue;
    for (const s of store.select(name)) {
      for (let i = s.length - 1; i >= 0; i--) {
        const t = s.timeAt(i);
        if (t > boundaryMs) continue;
        if (t <= boundaryMs - resolutionMs) break;
        const v = s.valueAt(i);
        if (Number.isFinite(v)) points.push({ name, labels: { ...s.labels }, t: new Date(stampMs), value: v });
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
