/**
 * Latency at a fixed 10,000 events/s: the linear batched pipeline, 5 consecutive runs of 20 s
 * (quick: one of 5 s). Each run reports p50/p95/p99 of the sinks' end-to-end histogram over its
 * window, and — from hop traces of 1 event in 10 stamped by every process — where the time went
 * (per-hop quantiles, each segment's share of the slowest 1 %) and every process's GC pauses in
 * the same window. Picture: the latency CDF of every run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchPipelines } from "../flowctl/pipelines";
import { measureFlowctl } from "../flowctl/run-flowctl";
import { lineChart, writeSvg, type Row } from "../lib/charts";
import { round } from "../lib/format";
import { analyseTraces, formatBreakdown, type HopBreakdown } from "../lib/hop-analysis";
import type { BenchContext, SectionResult } from "./section";
import { BATCH, EVENT_SIZE } from "./throughput";

/** The linear pipeline's hops in order (node ids from benchPipelines.linear). */
export const LINEAR_PATH = [
  "src.yield:gen",
  "src.send:gen",
  "router.in:gen",
  "router.out:work",
  "proc.in:work",
  "proc.out:work",
  "router.in:work",
  "router.out:out",
  "sink.in:out",
  "sink.done:out",
];

export async function latencySection(ctx: BenchContext): Promise<SectionResult> {
  const runs = ctx.quick ? 1 : 5;
  const seconds = ctx.quick ? 5 : 20;
  const lines: string[] = [];
  const detail: string[] = [];
  const cdf: Row[] = [];
  const results: { p50: number; p95: number; p99: number; eventsPerSec: number; breakdown: HopBreakdown }[] = [];
  for (let i = 1; i <= runs; i++) {
    ctx.log(`latency: run ${i}/${runs} at 10,000 ev/s for ${seconds} s`);
    const traceDir = mkdtempSync(path.join(os.tmpdir(), "flowctl-bench-trace-"));
    try {
      const m = await measureFlowctl({
        yaml: benchPipelines.linear({ wire: "batch", rate: 10_000, eventSize: EVENT_SIZE, batchSize: BATCH }),
        sinks: ["out"],
        warmupSeconds: ctx.quick ? 1 : 3,
        seconds,
        latency: true,
        wire: "batch",
        traceDir,
      });
      const breakdown = analyseTraces(traceDir, LINEAR_PATH, m.windowMicros);
      const l = m.latencyMs!;
      results.push({ ...l, eventsPerSec: m.eventsPerSec, breakdown });
      lines.push(`latency @10k ev/s, run ${i}      p50 ${l.p50.toFixed(2)} ms  p95 ${l.p95.toFixed(2)} ms  p99 ${l.p99.toFixed(2)} ms  (${(m.eventsPerSec / 1000).toFixed(1)}k ev/s, ${seconds} s)`);
      detail.push(`latency run ${i}: where the time went (hop traces, 1 event in 10, CLOCK_MONOTONIC)`, ...formatBreakdown(breakdown), "");
      const total = m.latencyBuckets!.at(-1)!.count;
      for (const b of m.latencyBuckets!) if (Number.isFinite(b.le)) cdf.push({ ms: b.le * 1000, fraction: b.count / total, run: `run ${i}` });
    } finally {
      rmSync(traceDir, { recursive: true, force: true });
    }
  }
  await writeSvg(
    path.join(ctx.pictureDir, "latency-cdf.svg"),
    lineChart({
      title: `End-to-end latency at 10,000 events/s: CDF of each ${seconds} s run`,
      rows: cdf,
      x: { field: "ms", title: "latency (ms, log scale; histogram bucket bounds)", log: true },
      y: { field: "fraction", title: "fraction of events", format: "%" },
      series: { field: "run", title: "run" },
    }),
  );
  const p99s = results.map((r) => round(r.p99));
  lines.push(`latency @10k ev/s, p99 of each run: ${p99s.map((x) => x.toFixed(2)).join(" / ")} ms  (picture: docs/bench/latency-cdf.svg)`);
  const last = results.at(-1)!;
  return {
    lines,
    detail,
    json: {
      latency10k: {
        // The last run's figures under the keys other tools read; every run's p99 in runsP99Ms.
        p50Ms: round(last.p50),
        p95Ms: round(last.p95),
        p99Ms: round(last.p99),
        achievedEventsPerSec: Math.round(last.eventsPerSec),
        runsP99Ms: p99s,
        runs: results.map((r) => ({
          p50Ms: round(r.p50),
          p95Ms: round(r.p95),
          p99Ms: round(r.p99),
          achievedEventsPerSec: Math.round(r.eventsPerSec),
          hops: r.breakdown.segments.map((s) => ({ segment: s.name, p50Ms: round(s.q.p50), p99Ms: round(s.q.p99), maxMs: round(s.q.max) })),
          gc: r.breakdown.gc.map((g) => ({ process: g.process, pauses: g.count, totalMs: round(g.totalMs), maxMs: round(g.maxMs), over1ms: g.over1ms, fullCollections: g.majors })),
          slowestPercentWithGcShare: round(r.breakdown.slowWithGcShare),
        })),
      },
    },
  };
}
