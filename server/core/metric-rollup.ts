/** Downsampled metric points persisted per run (10 s resolution), written by the metrics layer. */

/** One point of one series; the series is identified by `name` plus `labels`. */
export interface MetricRollupPoint {
  name: string;
  labels: Record<string, string>;
  t: Date;
  value: number;
}

/** Resolution of stored rollups in milliseconds. */
export const ROLLUP_RESOLUTION_MS = 10_000;

/** Canonical series key: `name{a="1",b="2"}` with label keys sorted, so equal label sets collide. */
export function seriesKeyOf(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return name;
  return `${name}{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(",")}}`;
}
