/** Number and time formatting shared by every page (pure). */

/** Events per second: `0/s`, `12.3/s`, `4.5k/s`, `1.2M/s`; `—` when unknown. */
export function formatRate(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return "—";
  if (r === 0) return "0/s";
  if (r >= 1e6) return `${(r / 1e6).toFixed(1)}M/s`;
  if (r >= 1e4) return `${Math.round(r / 1e3)}k/s`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)}k/s`;
  if (r >= 10) return `${Math.round(r)}/s`;
  return `${r.toFixed(1)}/s`;
}

/** Milliseconds as `0.42 ms`, `12 ms`, `1.3 s`; `—` when unknown. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(ms >= 1 ? 1 : 2)} ms`;
}

/** A 0..1 share as `37 %`; `—` when unknown. */
export function formatPercent(f: number | null | undefined): string {
  if (f === null || f === undefined || !Number.isFinite(f)) return "—";
  return `${Math.round(f * 100)} %`;
}

// Built once: toLocaleString with a locale builds a new Intl formatter on every call, and the live
// view formats hundreds of numbers and chart ticks per second (it was the browser's top cost).
const COUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const CLOCK = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

/** A count with thin grouping: `1 234 567`. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return COUNT.format(Math.round(n)).replace(/,/g, "\u2009");
}

/** A duration as `45 s`, `3 m 12 s`, `2 h 5 m`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} m`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** How long ago `iso` was, relative to `now`: `just now`, `5 m ago`, `3 h ago`, or a date. */
export function formatAgo(iso: string, now: number = Date.now()): string {
  const d = now - Date.parse(iso);
  if (d < 5_000) return "just now";
  if (d < 60_000) return `${Math.round(d / 1000)} s ago`;
  if (d < 3_600_000) return `${Math.max(1, Math.round(d / 60_000))} m ago`;
  if (d < 86_400_000) return `${Math.round(d / 3_600_000)} h ago`;
  return new Date(iso).toISOString().slice(0, 10);
}

/** Wall-clock `HH:MM:SS` of an ISO time or epoch ms (the viewer's time zone). */
export function formatClock(t: string | number): string {
  return CLOCK.format(new Date(t));
}

/** Bytes as `512 B`, `1.5 KiB`, `3.2 MiB`. */
export function formatBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${(b / 1024 / 1024).toFixed(1)} MiB`;
}
