/**
 * What decoding costs a processor and a sink, in this process (`npm run bench -- --only codec`):
 * CPU per event to decode a batch of 100 1 KiB events and answer it (processor: a ProcessedBatch of
 * the same events; sink: read every timestamp), decoded eagerly (protobufjs) and lazily
 * (server/wire/lazy-event.ts), alternating so both see the same load. CPU time, not wall time.
 */
import { eventCodec, timestampToMs, type WireEvent } from "../../server/wire/event-codec";
import { decodeEventBatchLazy } from "../../server/wire/lazy-event";
import { round } from "../lib/format";
import { median } from "../lib/proc-stats";
import type { BenchContext, SectionResult } from "./section";

function cpuMicrosPerEvent(fn: () => void, iterations: number, eventsPerCall: number): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / (iterations * eventsPerCall);
}

export async function codecSection(ctx: BenchContext): Promise<SectionResult> {
  const events: WireEvent[] = Array.from({ length: 100 }, (_, i) => ({
    id: `gen-${i}`,
    type: "flowctl.load.v1",
    payload: Buffer.alloc(1024, 120),
    metadata: {},
    timestamp: { seconds: 1_700_000_000, nanos: i },
    sourceComponentId: "gen",
    contentType: "application/json",
  }));
  const bytes = eventCodec.eventBatch.encode({ events, sequence: 1 });
  const cases: Record<string, () => void> = {
    "processor, eager": () => {
      const b = eventCodec.eventBatch.decode(bytes);
      eventCodec.processedBatch.encode({ sequence: b.sequence, events: b.events, failed: 0, errors: [] });
    },
    "processor, lazy": () => {
      const b = decodeEventBatchLazy(bytes);
      eventCodec.processedBatch.encode({ sequence: b.sequence, events: b.events, failed: 0, errors: [] });
    },
    "sink, eager": () => {
      let s = 0;
      for (const e of eventCodec.eventBatch.decode(bytes).events) s += timestampToMs(e.timestamp) ?? 0;
      if (s < 0) throw new Error("unreachable");
    },
    "sink, lazy": () => {
      let s = 0;
      for (const e of decodeEventBatchLazy(bytes).events) s += timestampToMs(e.timestamp) ?? 0;
      if (s < 0) throw new Error("unreachable");
    },
  };
  const iterations = ctx.quick ? 2_000 : 10_000;
  const samples: Record<string, number[]> = {};
  for (let round = 0; round < (ctx.quick ? 3 : 7); round++) {
    for (const [name, fn] of Object.entries(cases)) {
      if (round === 0) cpuMicrosPerEvent(fn, iterations / 5, 100); // warm-up: let the JIT settle
      (samples[name] ??= []).push(cpuMicrosPerEvent(fn, iterations, 100));
    }
  }
  ctx.log("codec: done");
  const m = (k: string) => median(samples[k]!);
  return {
    lines: [
      `codec, processor (decode 100 × 1 KiB, answer)   eager ${m("processor, eager").toFixed(2)} µs CPU/event, lazy ${m("processor, lazy").toFixed(2)} (${(m("processor, eager") / m("processor, lazy")).toFixed(1)} ×)`,
      `codec, sink (decode, read every timestamp)      eager ${m("sink, eager").toFixed(2)} µs CPU/event, lazy ${m("sink, lazy").toFixed(2)} (${(m("sink, eager") / m("sink, lazy")).toFixed(1)} ×)`,
    ],
    json: { codec: Object.fromEntries(Object.keys(cases).map((k) => [k, round(m(k))])) },
  };
}
