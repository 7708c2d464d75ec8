/**
 * Reads the hop traces a run wrote (server/wire/hop-trace.ts) and turns them into where the
 * latency went: for every sampled event seen at every hop, the time between consecutive hops; and
 * each process's GC pauses. Only events that entered the pipeline inside the measurement window
 * count, and only pauses that started inside it.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** Quantiles of a list of durations, in ms. */
export interface Quantiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function quantiles(values: number[]): Quantiles {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => (s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!);
  return { count: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.at(-1) ?? 0 };
}

/** One process's GC pauses in the window. */
export interface GcSummary {
  process: string;
  count: number;
  totalMs: number;
  maxMs: number;
  /** Pauses of 1 ms or more. */
  over1ms: number;
  /** Full mark-compacts among them (older traces without the kind count none). */
  majors: number;
}

export interface HopBreakdown {
  /** Segment name (`router.in:gen → router.out:work`) → durations of the sampled events, ms. */
  segments: { name: string; q: Quantiles }[];
  /** First hop to last hop (source yield → sink write done), ms. */
  total: Quantiles;
  /** Sampled events of the window that reached every hop. */
  complete: number;
  gc: GcSummary[];
  /** Share of the slowest 1 % of events (by total) that had a GC pause of ≥ 1 ms in some process during their trip. */
  slowWithGcShare: number;
  /** Per segment, its share of the slowest 1 % events' total time. */
  slowSegmentShare: { name: string; share: number }[];
}

interface Stamp {
  hop: string;
  t: number;
}

/**
 * `pathOrder`: the hops in pipeline order (`src.yield:gen`, `src.send:gen`, `router.in:gen`, …);
 * `window`: [start, end] in µs of CLOCK_MONOTONIC.
 */
export function analyseTraces(dir: string, pathOrder: string[], window: [number, number]): HopBreakdown {
  const byEvent = new Map<number, Stamp[]>();
  const gc: GcSummary[] = [];
  const pauses: { start: number; end: number }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".trace"))) {
    const g: GcSummary = { process: file.replace(/-\d+\.trace$/, ""), count: 0, totalMs: 0, maxMs: 0, over1ms: 0, majors: 0 };
    for (const line of readFileSync(path.join(dir, file), "utf8").split("\n")) {
      if (!line) continue;
      const parts = line.split(" ");
      if (parts[0] === "gc") {
        const start = Number(parts[1]);
        const dur = Number(parts[2]);
        if (start < window[0] || start > window[1]) continue;
        g.count++;
        g.totalMs += dur / 1000;
        g.maxMs = Math.max(g.maxMs, dur / 1000);
        if (parts[3] === "major") g.majors++;
        if (dur >= 1000) {
          g.over1ms++;
          pauses.push({ start, end: start + dur });
        }
        continue;
      }
      const seq = Number(parts[0]);
      const hop = `${parts[1]}:${parts[2]}`;
      let list = byEvent.get(seq);
      if (!list) byEvent.set(seq, (list = []));
      // An event can pass a hop more than once only if redelivered; keep the first time.
      if (!list.some((s) => s.hop === hop)) list.push({ hop, t: Number(parts[3]) });
    }
    gc.push(g);
  }
  const segNames = pathOrder.slice(1).map((h, i) => `${pathOrder[i]} → ${h}`);
  const segs: number[][] = segNames.map(() => []);
  const totals: { total: number; parts: number[]; start: number; end: number }[] = [];
  for (const stamps of byEvent.values()) {
    const at = new Map(stamps.map((s) => [s.hop, s.t]));
    const times = pathOrder.map((h) => at.get(h));
    if (times.some((t) => t === undefined)) continue;
    const t = times as number[];
    if (t[0]! < window[0] || t[0]! > window[1]) continue;
    const parts = t.slice(1).map((x, i) => (x - t[i]!) / 1000);
    parts.forEach((d, i) => segs[i]!.push(d));
    totals.push({ total: (t.at(-1)! - t[0]!) / 1000, parts, start: t[0]!, end: t.at(-1)! });
  }
  totals.sort((a, b) => b.total - a.total);
  const slow = totals.slice(0, Math.max(1, Math.ceil(totals.length / 100)));
  const slowTime = slow.reduce((a, x) => a + x.total, 0) || 1;
  const withGc = slow.filter((x) => pauses.some((p) => p.start < x.end && p.end > x.start)).length;
  return {
    segments: segNames.map((name, i) => ({ name, q: quantiles(segs[i]!) })),
    total: quantiles(totals.map((x) => x.total)),
    complete: totals.length,
    gc: gc.sort((a, b) => a.process.localeCompare(b.process)),
    slowWithGcShare: slow.length ? withGc / slow.length : 0,
    slowSegmentShare: segNames.map((name, i) => ({ name, share: slow.reduce((a, x) => a + x.parts[i]!, 0) / slowTime })),
  };
}

/** The breakdown as text lines for the run log. */
export function formatBreakdown(b: HopBreakdown): string[] {
  const f = (x: number) => x.toFixed(2).padStart(7);
  const w = Math.max(...b.segments.map((s) => s.name.length), 10);
  const out = [`  ${"segment".padEnd(w)}  ${"p50 ms".padStart(7)}  ${"p90".padStart(7)}  ${"p99".padStart(7)}  ${"max".padStart(7)}  share of slowest 1 %`];
  for (const s of b.segments) {
    const share = b.slowSegmentShare.find((x) => x.name === s.name)!.share;
    out.push(`  ${s.name.padEnd(w)}  ${f(s.q.p50)}  ${f(s.q.p90)}  ${f(s.q.p99)}  ${f(s.q.max)}  ${(share * 100).toFixed(0)} %`);
  }
  out.push(`  ${"total".padEnd(w)}  ${f(b.total.p50)}  ${f(b.total.p90)}  ${f(b.total.p99)}  ${f(b.total.max)}  (${b.complete} sampled events)`);
  out.push(`  GC in the window: ${b.gc.map((g) => `${g.process} ${g.count}× ${g.totalMs.toFixed(1)} ms (max ${g.maxMs.toFixed(2)}, ≥1 ms: ${g.over1ms}, full: ${g.majors})`).join("; ")}`);
  out.push(`  slowest 1 % of events overlapping a GC pause ≥ 1 ms: ${(b.slowWithGcShare * 100).toFixed(0)} %`);
  return out;
}
