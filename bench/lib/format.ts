/** Number formatting and per-event CPU arithmetic shared by the bench sections. */
import { median } from "./proc-stats";

export function fmt(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(1);
}

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A run's events/s and CPU share per process (1.0 = one core). */
export interface CpuRun {
  eventsPerSec: number;
  cpu: Record<string, number>;
}

/**
 * CPU microseconds per delivered event, summed over every process of the setup (median over
 * runs). Less sensitive to other load than events/s: it is what each event costs, not how much
 * CPU the setup happened to get.
 */
export function cpuMicrosPerEvent(runs: CpuRun[]): number {
  return median(runs.map((r) => (Object.values(r.cpu).reduce((a, b) => a + b, 0) / r.eventsPerSec) * 1e6));
}

export function cpuLine(m: { cpu: Record<string, number>; peakRssMb: Record<string, number> }): string {
  return Object.keys(m.cpu)
    .map((k) => `${k} ${(m.cpu[k]! * 100).toFixed(0)}% ${m.peakRssMb[k]!.toFixed(0)}MB`)
    .join(", ");
}

/** Median of the per-round ratios a[i] / b[i] (each pair measured back to back). */
export function pairedRatio(a: { eventsPerSec: number }[], b: { eventsPerSec: number }[]): number {
  return median(a.map((x, i) => x.eventsPerSec / b[i]!.eventsPerSec));
}
