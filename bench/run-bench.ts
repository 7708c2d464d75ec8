/**
 * `npm run bench`: throughput and latency of flowctl on this machine, side by side with what plain
 * grpc-js can do with the same hops, in one invocation (the machine is shared and noisy, so only
 * ratios measured together mean anything). Prints a table and writes bench/results/latest.json
 * (stable keys, read by other tools) and appends the figures to docs/benchmarks.md.
 *
 *   npm run bench                 full run (~10 minutes; limits and flowctl interleaved)
 *   npm run bench -- --quick      shorter windows, one run each (smoke check, not for reporting)
 */
import { execSync } from "node:child_process";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { measureChainLimit, measureSingleHopLimit, type LimitResult } from "./limit/run-limit";
import { measureFlowctl, type FlowctlMeasurement } from "./flowctl/run-flowctl";
import { benchPipelines, type Wire } from "./flowctl/pipelines";
import { median } from "./lib/proc-stats";
import { REPO_ROOT } from "./lib/spawn-role";

const EVENT_SIZE = 1024;
const BATCH = 100;

function fmt(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(1);
}

/**
 * CPU microseconds per delivered event, summed over every process of the setup (median over
 * runs). Less sensitive to other load than events/s: it is what each event costs, not how much
 * CPU the setup happened to get.
 */
function cpuMicrosPerEvent(runs: { eventsPerSec: number; cpu: Record<string, number> }[]): number {
  return median(runs.map((r) => (Object.values(r.cpu).reduce((a, b) => a + b, 0) / r.eventsPerSec) * 1e6));
}

function cpuPerEvent(runs: { eventsPerSec: number; cpu: Record<string, number> }[]): string {
  return cpuMicrosPerEvent(runs).toFixed(1);
}

function cpuLine(m: { cpu: Record<string, number>; peakRssMb: Record<string, number> }): string {
  return Object.keys(m.cpu)
    .map((k) => `${k} ${(m.cpu[k]! * 100).toFixed(0)}% ${m.peakRssMb[k]!.toFixed(0)}MB`)
    .join(", ");
}

export async function main(argv: string[]): Promise<void> {
  const quick = argv.includes("--quick");
  const runs = quick ? 1 : 3;
  const w = quick ? 1 : 3;
  const s = quick ? 3 : 8;
  const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
  const lines: string[] = [];

  // Limits and flowctl alternate (limit, flowctl, limit, flowctl, …): load from other work on this
  // shared machine comes and goes, and interleaving exposes both sides of each ratio to the same load.
  log(`1–2/5 physical limits (plain grpc-js, same hops) interleaved with flowctl linear, ${runs} rounds`);
  const chain: LimitResult[] = [];
  const chainPerEvent: LimitResult[] = [];
  const linear: Record<Wire, FlowctlMeasurement[]> = { batch: [], event: [] };
  const linearRun = (wire: Wire) =>
    measureFlowctl({ yaml: benchPipelines.linear({ wire, rate: 0, eventSize: EVENT_SIZE, batchSize: BATCH }), sinks: ["out"], warmupSeconds: w, seconds: s, wire });
  for (let i = 0; i < runs; i++) {
    chain.push(await measureChainLimit({ batchSize: BATCH, eventSize: EVENT_SIZE, warmupSeconds: w, seconds: s }));
    linear.batch.push(await linearRun("batch"));
    // The per-event wire's own limit: the same hops, one serialized Event per gRPC message.
    chainPerEvent.push(await measureChainLimit({ batchSize: 0, eventSize: EVENT_SIZE, warmupSeconds: w, seconds: s }));
    linear.event.push(await linearRun("event"));
  }
  const hop = await measureSingleHopLimit({ batchSize: BATCH, eventSize: EVENT_SIZE, warmupSeconds: w, seconds: s });
  const chainEps = median(chain.map((c) => c.eventsPerSec));
  const chainPerEventEps = median(chainPerEvent.map((c) => c.eventsPerSec));
  const batchedEps = median(linear.batch.map((m) => m.eventsPerSec));
  const perEventEps = median(linear.event.map((m) => m.eventsPerSec));
  // Ratios: median of the per-round ratios (each pair measured back to back).
  const pairedRatio = (a: { eventsPerSec: number }[], b: { eventsPerSec: number }[]) => median(a.map((x, i) => x.eventsPerSec / b[i]!.eventsPerSec));
  const batchedRatio = pairedRatio(linear.batch, chain);
  const perEventRatio = pairedRatio(linear.event, chain);
  const perEventOwnRatio = pairedRatio(linear.event, chainPerEvent);
  lines.push(`limit chain (4 processes)     ${fmt(chainEps)} ev/s   ${cpuPerEvent(chain)} µs CPU/event   [${cpuLine(chain[0]!)}]`);
  lines.push(`limit chain, 1 event/message  ${fmt(chainPerEventEps)} ev/s   ${cpuPerEvent(chainPerEvent)} µs CPU/event   [${cpuLine(chainPerEvent[0]!)}]`);
  lines.push(`limit single hop              ${fmt(hop.eventsPerSec)} ev/s   [${cpuLine(hop)}]`);
  lines.push(
    `flowctl linear, batched wire  ${fmt(batchedEps)} ev/s   ratio ${batchedRatio.toFixed(2)}   ${cpuPerEvent(linear.batch)} µs CPU/event   [${cpuLine(linear.batch[0]!)}]`,
  );
  lines.push(
    `flowctl linear, per-event     ${fmt(perEventEps)} ev/s   ratio ${perEventRatio.toFixed(2)} (to its own 1 event/message limit ${perEventOwnRatio.toFixed(2)})   ${cpuPerEvent(linear.event)} µs CPU/event   [${cpuLine(linear.event[0]!)}]`,
  );

  log("3/5 fan-out, fan-in, diamond (batched wire)");
  const opts = { wire: "batch" as const, rate: 0, eventSize: EVENT_SIZE, batchSize: BATCH };
  const fanOut = await measureFlowctl({ yaml: benchPipelines.fanOut(opts), sinks: ["out-a", "out-b", "out-c"], warmupSeconds: w, seconds: s, wire: "batch" });
  const fanIn = await measureFlowctl({ yaml: benchPipelines.fanIn(opts), sinks: ["out"], warmupSeconds: w, seconds: s, wire: "batch" });
  const diamond = await measureFlowctl({ yaml: benchPipelines.diamond(opts), sinks: ["out"], warmupSeconds: w, seconds: s, wire: "batch" });
  // Fan-out: every sink receives every event, so the pipeline's rate is the per-sink rate.
  const fanOutEps = fanOut.eventsPerSec / 3;
  lines.push(`fan-out to 3 sinks            ${fmt(fanOutEps)} ev/s per sink (${fmt(fanOut.eventsPerSec)} deliveries/s)`);
  lines.push(`fan-in of 3 sources           ${fmt(fanIn.eventsPerSec)} ev/s at the sink`);
  lines.push(`diamond                       ${fmt(diamond.eventsPerSec)} ev/s at the sink (2 per source event)`);

  log("4/5 latency at a fixed 10,000 ev/s");
  const lat = await measureFlowctl({
    yaml: benchPipelines.linear({ wire: "batch", rate: 10_000, eventSize: EVENT_SIZE, batchSize: BATCH }),
    sinks: ["out"],
    warmupSeconds: w,
    seconds: quick ? 5 : 30,
    latency: true,
    wire: "batch",
  });
  lines.push(`latency @10k ev/s             p50 ${lat.latencyMs!.p50.toFixed(2)} ms  p95 ${lat.latencyMs!.p95.toFixed(2)} ms  p99 ${lat.latencyMs!.p99.toFixed(2)} ms  (${fmt(lat.eventsPerSec)} ev/s)`);

  log("5/5 stalled sink");
  const stalled = await measureFlowctl({
    yaml: benchPipelines.stalled({ wire: "batch", rate: 0, eventSize: EVENT_SIZE, batchSize: BATCH }),
    sinks: ["out"],
    warmupSeconds: w,
    seconds: quick ? 10 : 60,
    requireEvents: false,
    wire: "batch",
  });
  lines.push(`stalled sink                  engine RSS ${stalled.engineRssStartMb.toFixed(0)} → ${stalled.engineRssEndMb.toFixed(0)} MB, dropped ${stalled.dropped}`);

  const result = {
    linear: {
      batched: { eventsPerSec: Math.round(batchedEps), ratioToLimit: round(batchedRatio), cpuMicrosPerEvent: round(cpuMicrosPerEvent(linear.batch)) },
      // ratioToLimit: against the batched chain limit (the definition, kept for other tools);
      // ratioToPerEventLimit: against the same hops moving one event per message.
      perEvent: {
        eventsPerSec: Math.round(perEventEps),
        ratioToLimit: round(perEventRatio),
        ratioToPerEventLimit: round(perEventOwnRatio),
        cpuMicrosPerEvent: round(cpuMicrosPerEvent(linear.event)),
      },
    },
    limit: {
      chainEventsPerSec: Math.round(chainEps),
      singleHopEventsPerSec: Math.round(hop.eventsPerSec),
      chainPerEventEventsPerSec: Math.round(chainPerEventEps),
      chainCpuMicrosPerEvent: round(cpuMicrosPerEvent(chain)),
      chainPerEventCpuMicrosPerEvent: round(cpuMicrosPerEvent(chainPerEvent)),
    },
    fanOut: { eventsPerSec: Math.round(fanOutEps) },
    fanIn: { eventsPerSec: Math.round(fanIn.eventsPerSec) },
    diamond: { eventsPerSec: Math.round(diamond.eventsPerSec) },
    latency10k: {
      p50Ms: round(lat.latencyMs!.p50),
      p95Ms: round(lat.latencyMs!.p95),
      p99Ms: round(lat.latencyMs!.p99),
      achievedEventsPerSec: Math.round(lat.eventsPerSec),
    },
    stalledSink: { rssStartMb: round(stalled.engineRssStartMb), rssEndMb: round(stalled.engineRssEndMb), dropped: stalled.dropped },
    meta: {
      commit: gitCommit(),
      date: new Date().toISOString(),
      quick,
      runs,
      eventSizeBytes: EVENT_SIZE,
      batchSize: BATCH,
      cpus: os.cpus().length,
      node: process.version,
      loadAverage: os.loadavg().map((x) => round(x)),
      perProcess: { limitChain: chain[0], limitChainPerEvent: chainPerEvent[0], linearBatched: linear.batch[0], linearPerEvent: linear.event[0] },
      samples: {
        limitChain: chain.map((c) => Math.round(c.eventsPerSec)),
        limitChainPerEvent: chainPerEvent.map((c) => Math.round(c.eventsPerSec)),
        linearBatched: linear.batch.map((m) => Math.round(m.eventsPerSec)),
        linearPerEvent: linear.event.map((m) => Math.round(m.eventsPerSec)),
      },
    },
  };
  const table = lines.join("\n");
  process.stdout.write(table + "\n");
  const outDir = path.join(REPO_ROOT, "bench", "results");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "latest.json"), JSON.stringify(result, null, 2) + "\n");
  if (!quick) {
    appendFileSync(
      path.join(REPO_ROOT, "docs", "benchmarks.md"),
      `\n## ${result.meta.date.slice(0, 16)}Z — commit ${result.meta.commit}\n\nload average at the end: ${result.meta.loadAverage.join(" ")}\n\n\`\`\`\n${table}\n\`\`\`\n`,
    );
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function gitCommit(): string {
  try {
    return execSync("git rev-parse --short HEAD", { cwd: REPO_ROOT }).toString().trim();
  } catch {
    return "unknown";
  }
}
