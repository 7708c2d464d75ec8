/**
 * `npm run bench -- --only young-gen` (on demand): the built-ins' young-generation cap
 * (server/core/builtin-runtime.ts) against Node's default, side by side in one run. Variants are
 * interleaved; "node default" sets NODE_OPTIONS=--max-semi-space-size=16 in the components'
 * environment, which the process driver leaves as it is (Node 20's own maximum on 64-bit), "cap"
 * runs them as the engine does. For each variant: 10k ev/s latency runs (p99, the processor's full
 * mark-compacts and GC time from its hop trace) and unthrottled throughput runs (events/s, µs CPU
 * per event over every process).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BUILTIN_SEMI_SPACE_MB } from "../../server/core/builtin-runtime";
import { benchPipelines } from "../flowctl/pipelines";
import { measureFlowctl } from "../flowctl/run-flowctl";
import { cpuMicrosPerEvent, round } from "../lib/format";
import { analyseTraces } from "../lib/hop-analysis";
import { LINEAR_PATH } from "./latency";
import type { BenchContext, SectionResult } from "./section";
import { BATCH, EVENT_SIZE } from "./throughput";

const VARIANTS: { name: string; nodeOptions?: string }[] = [
  { name: "node default (16 MB)", nodeOptions: "--max-semi-space-size=16" },
  { name: `cap (${BUILTIN_SEMI_SPACE_MB} MB)` },
];

interface LatencyRun {
  p99Ms: number;
  processorFullGcs: number;
  processorGcMs: number;
}
interface ThroughputRun {
  eventsPerSec: number;
  cpuMicrosPerEvent: number;
}

async function withNodeOptions<T>(nodeOptions: string | undefined, f: () => Promise<T>): Promise<T> {
  const before = process.env.NODE_OPTIONS;
  if (nodeOptions) process.env.NODE_OPTIONS = nodeOptions;
  else delete process.env.NODE_OPTIONS;
  try {
    return await f();
  } finally {
    if (before === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = before;
  }
}

async function latencyRun(seconds: number): Promise<LatencyRun> {
  const traceDir = mkdtempSync(path.join(os.tmpdir(), "flowctl-bench-young-"));
  try {
    const yaml = benchPipelines.linear({ wire: "batch", rate: 10_000, eventSize: EVENT_SIZE, batchSize: BATCH });
    const m = await measureFlowctl({ yaml, sinks: ["out"], warmupSeconds: 3, seconds, latency: true, wire: "batch", traceDir });
    const work = analyseTraces(traceDir, LINEAR_PATH, m.windowMicros).gc.find((g) => g.process.startsWith("work"));
    return { p99Ms: round(m.latencyMs!.p99), processorFullGcs: work?.majors ?? 0, processorGcMs: round(work?.totalMs ?? 0) };
  } finally {
    rmSync(traceDir, { recursive: true, force: true });
  }
}

async function throughputRun(seconds: number): Promise<ThroughputRun> {
  const yaml = benchPipelines.linear({ wire: "batch", rate: 0, eventSize: EVENT_SIZE, batchSize: BATCH });
  const m = await measureFlowctl({ yaml, sinks: ["out"], warmupSeconds: 3, seconds, wire: "batch" });
  return { eventsPerSec: Math.round(m.eventsPerSec), cpuMicrosPerEvent: round(cpuMicrosPerEvent([m])) };
}

export async function youngGenSection(ctx: BenchContext): Promise<SectionResult> {
  const rounds = ctx.quick ? 1 : 3;
  const seconds = ctx.quick ? 5 : 10;
  const latency: Record<string, LatencyRun[]> = {};
  const throughput: Record<string, ThroughputRun[]> = {};
  for (let r = 1; r <= rounds; r++) {
    for (const v of VARIANTS) {
      ctx.log(`young-gen: round ${r}/${rounds}, ${v.name}: latency at 10k ev/s, then unthrottled`);
      (latency[v.name] ??= []).push(await withNodeOptions(v.nodeOptions, () => latencyRun(seconds)));
      (throughput[v.name] ??= []).push(await withNodeOptions(v.nodeOptions, () => throughputRun(seconds)));
    }
  }
  const lines = VARIANTS.map((v) => {
    const l = latency[v.name]!;
    const t = throughput[v.name]!;
    const runs = l.map((x) => `${x.p99Ms.toFixed(2)} ms (${x.processorFullGcs} full GCs, ${x.processorGcMs.toFixed(0)} ms GC)`).join(" / ");
    const tp = t.map((x) => `${(x.eventsPerSec / 1000).toFixed(1)}k ev/s ${x.cpuMicrosPerEvent.toFixed(1)} µs`).join(" / ");
    return `young generation, ${v.name.padEnd(21)} p99 at 10k ev/s: ${runs} | unthrottled: ${tp}`;
  });
  return { lines, json: { youngGen: { rounds, seconds, latency, throughput } } };
}
