/**
 * Throughput: flowctl's linear pipeline (batched and per-event wire) side by side with plain
 * grpc-js chains of the same hops — the ceiling (pre-encoded batches, opaque relays, re-framing
 * processor, framing-walking sink) and the protobufjs reference — interleaved round by round; then
 * fan-out, fan-in, diamond and the stalled sink.
 */
import { measureFlowctl, type FlowctlMeasurement } from "../flowctl/run-flowctl";
import { benchPipelines, type Wire } from "../flowctl/pipelines";
import { measureChainLimit, measureSingleHopLimit, type LimitResult } from "../limit/run-limit";
import { cpuLine, cpuMicrosPerEvent, fmt, pairedRatio, round } from "../lib/format";
import { median } from "../lib/proc-stats";
import type { BenchContext, SectionResult } from "./section";

export const EVENT_SIZE = 1024;
export const BATCH = 100;

export async function throughputSection(ctx: BenchContext): Promise<SectionResult> {
  const runs = ctx.quick ? 1 : 3;
  const w = ctx.quick ? 1 : 3;
  const s = ctx.quick ? 3 : 8;
  const lines: string[] = [];

  // Limits and flowctl alternate (ceiling, flowctl, protobufjs chain, per-event limit, flowctl
  // per-event, …): load from other work on this shared machine comes and goes, and interleaving
  // exposes both sides of each ratio to the same load.
  ctx.log(`throughput: limits (plain grpc-js, same hops) interleaved with flowctl linear, ${runs} rounds`);
  const ceiling: LimitResult[] = [];
  const chain: LimitResult[] = [];
  const chainPerEvent: LimitResult[] = [];
  const linear: Record<Wire, FlowctlMeasurement[]> = { batch: [], event: [] };
  const linearRun = (wire: Wire) =>
    measureFlowctl({ yaml: benchPipelines.linear({ wire, rate: 0, eventSize: EVENT_SIZE, batchSize: BATCH }), sinks: ["out"], warmupSeconds: w, seconds: s, wire });
  const limit = (batchSize: number, mode: "ceiling" | "protobufjs") => measureChainLimit({ batchSize, eventSize: EVENT_SIZE, warmupSeconds: w, seconds: s, mode });
  for (let i = 0; i < runs; i++) {
    ceiling.push(await limit(BATCH, "ceiling"));
    linear.batch.push(await linearRun("batch"));
    chain.push(await limit(BATCH, "protobufjs"));
    // The per-event wire's own limit: the same hops, one serialized Event per gRPC message.
    chainPerEvent.push(await limit(0, "protobufjs"));
    linear.event.push(await linearRun("event"));
  }
  const hop = await measureSingleHopLimit({ batchSize: BATCH, eventSize: EVENT_SIZE, warmupSeconds: w, seconds: s });
  const eps = (xs: { eventsPerSec: number }[]) => median(xs.map((x) => x.eventsPerSec));
  const batchedToCeiling = pairedRatio(linear.batch, ceiling);
  const batchedToChain = pairedRatio(linear.batch, chain);
  const perEventRatio = pairedRatio(linear.event, chain);
  const perEventOwnRatio = pairedRatio(linear.event, chainPerEvent);
  const cpu = (xs: { eventsPerSec: number; cpu: Record<string, number> }[]) => cpuMicrosPerEvent(xs).toFixed(1);
  lines.push(`ceiling chain (4 processes)   ${fmt(eps(ceiling))} ev/s   ${cpu(ceiling)} µs CPU/event   [${cpuLine(ceiling[0]!)}]`);
  lines.push(`protobufjs chain              ${fmt(eps(chain))} ev/s   ${cpu(chain)} µs CPU/event   [${cpuLine(chain[0]!)}]`);
  lines.push(`limit chain, 1 event/message  ${fmt(eps(chainPerEvent))} ev/s   ${cpu(chainPerEvent)} µs CPU/event   [${cpuLine(chainPerEvent[0]!)}]`);
  lines.push(`limit single hop              ${fmt(hop.eventsPerSec)} ev/s   [${cpuLine(hop)}]`);
  lines.push(
    `flowctl linear, batched wire  ${fmt(eps(linear.batch))} ev/s   ratio ${batchedToCeiling.toFixed(2)} of the ceiling (${batchedToChain.toFixed(2)} of the protobufjs chain)   ${cpu(linear.batch)} µs CPU/event   [${cpuLine(linear.batch[0]!)}]`,
  );
  lines.push(
    `flowctl linear, per-event     ${fmt(eps(linear.event))} ev/s   ratio ${perEventRatio.toFixed(2)} (to its own 1 event/message limit ${perEventOwnRatio.toFixed(2)})   ${cpu(linear.event)} µs CPU/event   [${cpuLine(linear.event[0]!)}]`,
  );

  ctx.log("throughput: fan-out, fan-in, diamond (batched wire)");
  const opts = { wire: "batch" as const, rate: 0, eventSize: EVENT_SIZE, batchSize: BATCH };
  const fanOut = await measureFlowctl({ yaml: benchPipelines.fanOut(opts), sinks: ["out-a", "out-b", "out-c"], warmupSeconds: w, seconds: s, wire: "batch" });
  const fanIn = await measureFlowctl({ yaml: benchPipelines.fanIn(opts), sinks: ["out"], warmupSeconds: w, seconds: s, wire: "batch" });
  const diamond = await measureFlowctl({ yaml: benchPipelines.diamond(opts), sinks: ["out"], warmupSeconds: w, seconds: s, wire: "batch" });
  // Fan-out: every sink receives every event, so the pipeline's rate is the per-sink rate.
  const fanOutEps = fanOut.eventsPerSec / 3;
  lines.push(`fan-out to 3 sinks            ${fmt(fanOutEps)} ev/s per sink (${fmt(fanOut.eventsPerSec)} deliveries/s)`);
  lines.push(`fan-in of 3 sources           ${fmt(fanIn.eventsPerSec)} ev/s at the sink`);
  lines.push(`diamond                       ${fmt(diamond.eventsPerSec)} ev/s at the sink (2 per source event)`);

  ctx.log("throughput: stalled sink");
  const stalled = await measureFlowctl({
    yaml: benchPipelines.stalled(opts),
    sinks: ["out"],
    warmupSeconds: w,
    seconds: ctx.quick ? 10 : 60,
    requireEvents: false,
    wire: "batch",
  });
  lines.push(`stalled sink                  engine RSS ${stalled.engineRssStartMb.toFixed(0)} → ${stalled.engineRssEndMb.toFixed(0)} MB, dropped ${stalled.dropped}`);

  const samples = (xs: { eventsPerSec: number }[]) => xs.map((x) => Math.round(x.eventsPerSec));
  return {
    lines,
    json: {
      linear: {
        batched: {
          eventsPerSec: Math.round(eps(linear.batch)),
          // ratioToLimit: against the protobufjs chain (the key's meaning since it was introduced);
          // ratioToCeiling: against the ceiling chain, the figure the target refers to.
          ratioToLimit: round(batchedToChain),
          ratioToCeiling: round(batchedToCeiling),
          cpuMicrosPerEvent: round(cpuMicrosPerEvent(linear.batch)),
        },
        perEvent: {
          eventsPerSec: Math.round(eps(linear.event)),
          ratioToLimit: round(perEventRatio),
          ratioToPerEventLimit: round(perEventOwnRatio),
          cpuMicrosPerEvent: round(cpuMicrosPerEvent(linear.event)),
        },
      },
      limit: {
        chainEventsPerSec: Math.round(eps(chain)),
        ceilingChainEventsPerSec: Math.round(eps(ceiling)),
        singleHopEventsPerSec: Math.round(hop.eventsPerSec),
        chainPerEventEventsPerSec: Math.round(eps(chainPerEvent)),
        chainCpuMicrosPerEvent: round(cpuMicrosPerEvent(chain)),
        ceilingChainCpuMicrosPerEvent: round(cpuMicrosPerEvent(ceiling)),
        chainPerEventCpuMicrosPerEvent: round(cpuMicrosPerEvent(chainPerEvent)),
      },
      fanOut: { eventsPerSec: Math.round(fanOutEps) },
      fanIn: { eventsPerSec: Math.round(fanIn.eventsPerSec) },
      diamond: { eventsPerSec: Math.round(diamond.eventsPerSec) },
      stalledSink: { rssStartMb: round(stalled.engineRssStartMb), rssEndMb: round(stalled.engineRssEndMb), dropped: stalled.dropped },
      meta: {
        runs,
        eventSizeBytes: EVENT_SIZE,
        batchSize: BATCH,
        perProcess: { ceilingChain: ceiling[0], limitChain: chain[0], limitChainPerEvent: chainPerEvent[0], linearBatched: linear.batch[0], linearPerEvent: linear.event[0] },
        samples: {
          ceilingChain: samples(ceiling),
          limitChain: samples(chain),
          limitChainPerEvent: samples(chainPerEvent),
          linearBatched: samples(linear.batch),
          linearPerEvent: samples(linear.event),
        },
      },
    },
  };
}
