/**
 * How cost grows with the pipeline, every point measured in this run (rounds interleave the
 * points, so load from other work spreads over all of them): throughput and CPU per event against
 * chain length, fan-out width, replicas of a CPU-bound processor and event size; engine memory per
 * queued event behind a stalled sink; engine CPU at a fixed 10,000 events/s as components are
 * added. Tables in the run log, pictures in docs/bench/scaling-*.svg.
 */
import path from "node:path";
import { benchPipelines } from "../flowctl/pipelines";
import { measureInChild } from "../flowctl/measure-in-child";
import { measureFlowctl, type FlowctlMeasurement } from "../flowctl/run-flowctl";
import { pairedCharts, writeSvg, type Row } from "../lib/charts";
import { cpuMicrosPerEvent, fmt, round } from "../lib/format";
import { median } from "../lib/proc-stats";
import type { BenchContext, SectionResult } from "./section";
import { BATCH, EVENT_SIZE } from "./throughput";

/** CPU a replica of the CPU-bound processor burns per event. */
const WORK_MICROS = 20;

interface Point {
  x: number;
  eventsPerSec: number;
  cpuMicrosPerEvent: number;
  [extra: string]: number;
}

interface Curve {
  key: string;
  title: string;
  xTitle: string;
  xs: number[];
  /** The measurement for one x. */
  run(x: number, w: number, s: number): Promise<{ m: FlowctlMeasurement; sourceEventsPerSec: number; extra?: Record<string, number> }>;
}

const opts = (eventSize = EVENT_SIZE) => ({ wire: "batch" as const, rate: 0, eventSize, batchSize: BATCH });

/** Events/s that left the source (each delivered to every sink of a fan-out). */
const perSource = (m: FlowctlMeasurement, sinks: number) => m.eventsPerSec / sinks;

const CURVES: Curve[] = [
  {
    key: "chainLength",
    title: "Chain length (source → passthroughs → sink)",
    xTitle: "stages",
    xs: [2, 4, 8],
    run: async (x, w, s) => {
      const m = await measureFlowctl({ yaml: benchPipelines.chain(opts(), x), sinks: ["out"], warmupSeconds: w, seconds: s, wire: "batch" });
      return { m, sourceEventsPerSec: m.eventsPerSec };
    },
  },
  {
    key: "fanOut",
    title: "Fan-out width (one source, every event to every sink)",
    xTitle: "sinks",
    xs: [1, 2, 4, 8],
    run: async (x, w, s) => {
      const sinks = Array.from({ length: x }, (_, i) => `out-${i + 1}`);
      const m = await measureFlowctl({ yaml: benchPipelines.fanOutN(opts(), x), sinks, warmupSeconds: w, seconds: s, wire: "batch" });
      return { m, sourceEventsPerSec: perSource(m, x), extra: { deliveriesPerSec: Math.round(m.eventsPerSec) } };
    },
  },
  {
    key: "replicas",
    title: `Replicas of a CPU-bound processor (${WORK_MICROS} µs of CPU per event)`,
    xTitle: "replicas",
    xs: [1, 2, 4],
    run: async (x, w, s) => {
      const m = await measureFlowctl({ yaml: benchPipelines.cpuBound(opts(), x, WORK_MICROS), sinks: ["out"], warmupSeconds: w, seconds: s, wire: "batch" });
      return { m, sourceEventsPerSec: m.eventsPerSec };
    },
  },
  {
    key: "eventSize",
    title: "Event size (linear pipeline)",
    xTitle: "bytes per event",
    xs: [100, 1024, 16 * 1024, 256 * 1024],
    run: async (x, w, s) => {
      const m = await measureFlowctl({ yaml: benchPipelines.linear(opts(x)), sinks: ["out"], warmupSeconds: w, seconds: s, wire: "batch" });
      return { m, sourceEventsPerSec: m.eventsPerSec, extra: { mbPerSec: round((m.eventsPerSec * x) / 1e6) } };
    },
  },
];

/** Engine (this process: control plane + router worker) CPU at 10k events/s through chains of n components. */
async function engineCpuCurve(ctx: BenchContext, counts: number[], s: number): Promise<Point[]> {
  const out: Point[] = [];
  for (const n of counts) {
    ctx.log(`scaling: engine CPU at 10,000 ev/s, ${n} components`);
    const m = await measureFlowctl({
      yaml: benchPipelines.chain({ ...opts(), rate: 10_000 }, n),
      sinks: ["out"],
      warmupSeconds: 2,
      seconds: s,
      wire: "batch",
    });
    out.push({ x: n, eventsPerSec: Math.round(m.eventsPerSec), cpuMicrosPerEvent: round(cpuMicrosPerEvent([m])), engineCpu: round(m.cpu.engine ?? 0), engineMicrosPerEvent: round(((m.cpu.engine ?? 0) / m.eventsPerSec) * 1e6) });
  }
  return out;
}

/**
 * Engine RSS growth per event queued behind a sink that never writes: a source at 3,000 events/s
 * fills a queue of 30,000 during the window; RSS and queued events are read at both ends of it,
 * in a fresh process (measure-in-child.ts: in this one, pages freed by the earlier points hid it).
 */
async function memoryPerQueuedEvent(ctx: BenchContext, s: number): Promise<{ queued: number; bytesPerEvent: number; rssStartMb: number; rssEndMb: number }> {
  ctx.log("scaling: memory per queued event (stalled sink, queue filling at 3,000 ev/s)");
  const m = await measureInChild({ yaml: benchPipelines.stalled({ ...opts(), rate: 3_000 }, 30_000), sinks: ["out"], warmupSeconds: 1, seconds: s, requireEvents: false, wire: "batch" });
  const queued = m.queuedEnd - m.queuedStart;
  return { queued, bytesPerEvent: queued > 0 ? Math.round(((m.engineRssEndMb - m.engineRssStartMb) * 2 ** 20) / queued) : 0, rssStartMb: round(m.engineRssStartMb), rssEndMb: round(m.engineRssEndMb) };
}

export async function scalingSection(ctx: BenchContext): Promise<SectionResult> {
  const rounds = ctx.quick ? 1 : 2;
  const w = ctx.quick ? 1 : 2;
  const s = ctx.quick ? 3 : 6;
  const samples = new Map<string, { eps: number[]; cpu: number[]; extra: Record<string, number[]> }>();
  for (let r = 1; r <= rounds; r++) {
    for (const c of CURVES) {
      for (const x of c.xs) {
        ctx.log(`scaling: round ${r}/${rounds}, ${c.key} = ${x}`);
        const { m, sourceEventsPerSec, extra } = await c.run(x, w, s);
        const key = `${c.key}:${x}`;
        const cur = samples.get(key) ?? { eps: [], cpu: [], extra: {} };
        cur.eps.push(sourceEventsPerSec);
        cur.cpu.push(cpuMicrosPerEvent([{ eventsPerSec: sourceEventsPerSec, cpu: m.cpu }]));
        for (const [k, v] of Object.entries(extra ?? {})) (cur.extra[k] ??= []).push(v);
        samples.set(key, cur);
      }
    }
  }
  const scaling: Record<string, Point[]> = {};
  const lines: string[] = [];
  const detail: string[] = ["scaling (median of rounds; CPU = every process of the run, engine included, per source event)"];
  for (const c of CURVES) {
    const points: Point[] = c.xs.map((x) => {
      const sm = samples.get(`${c.key}:${x}`)!;
      const p: Point = { x, eventsPerSec: Math.round(median(sm.eps)), cpuMicrosPerEvent: round(median(sm.cpu)) };
      for (const [k, v] of Object.entries(sm.extra)) p[k] = round(median(v));
      return p;
    });
    scaling[c.key] = points;
    lines.push(`scaling ${c.key.padEnd(12)} ${points.map((p) => `${p.x}: ${fmt(p.eventsPerSec)} ev/s ${p.cpuMicrosPerEvent.toFixed(1)} µs${p.mbPerSec !== undefined ? ` ${p.mbPerSec} MB/s` : ""}`).join(" | ")}`);
    detail.push(`  ${c.title}: ${points.map((p) => `${p.x} → ${JSON.stringify(p)}`).join("; ")}`);
    const rows: Row[] = points.map((p) => ({ x: p.x, eventsPerSec: p.eventsPerSec, cpuMicrosPerEvent: p.cpuMicrosPerEvent }));
    await writeSvg(
      path.join(ctx.pictureDir, `scaling-${c.key}.svg`),
      pairedCharts({
        title: c.title,
        rows,
        x: { field: "x", title: c.xTitle, log: c.key === "eventSize" },
        left: { field: "eventsPerSec", title: "events/s (out of the source)" },
        right: { field: "cpuMicrosPerEvent", title: "µs CPU per event (all processes)" },
      }),
    );
  }
  const engine = await engineCpuCurve(ctx, ctx.quick ? [3, 6] : [3, 6, 12], ctx.quick ? 3 : 8);
  scaling.engineCpuAt10k = engine;
  lines.push(`scaling engine CPU @10k ev/s ${engine.map((p) => `${p.x} components: ${(p.engineCpu! * 100).toFixed(0)} % of a core (${p.engineMicrosPerEvent} µs/event)`).join(" | ")}`);
  await writeSvg(
    path.join(ctx.pictureDir, "scaling-engine-cpu.svg"),
    pairedCharts({
      title: "Engine at a fixed 10,000 events/s, chains of n components",
      rows: engine.map((p) => ({ x: p.x, engineCpu: p.engineCpu!, engineMicrosPerEvent: p.engineMicrosPerEvent! })),
      x: { field: "x", title: "components" },
      left: { field: "engineCpu", title: "engine CPU (cores)" },
      right: { field: "engineMicrosPerEvent", title: "engine µs CPU per event" },
    }),
  );
  const mem = await memoryPerQueuedEvent(ctx, ctx.quick ? 5 : 8);
  lines.push(`scaling memory per queued event  ${mem.bytesPerEvent} B of engine RSS per 1 KiB event (${mem.queued} more queued over the window, ${mem.rssStartMb} → ${mem.rssEndMb} MB)`);
  return { lines, detail, json: { scaling: { ...scaling, memoryPerQueuedEvent: mem } } };
}
