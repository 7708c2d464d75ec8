/** The pipelines the benchmark runs, built from the built-in components. */
import { stringify } from "yaml";

export type Wire = "batch" | "event";

interface Options {
  wire: Wire;
  /** 0 = unthrottled. */
  rate: number;
  eventSize: number;
  batchSize: number;
}

const source = (id: string, o: Options) => ({
  id,
  type: "load-generator",
  env: { EVENTS_PER_SECOND: o.rate, EVENT_SIZE_BYTES: o.eventSize, BATCH_SIZE: o.batchSize, FLOWCTL_WIRE: o.wire },
});
const proc = (id: string, inputs: string[], o: Options, env: Record<string, string | number> = {}) => ({
  id,
  type: "passthrough",
  inputs,
  env: { BATCH_SIZE: o.batchSize, FLOWCTL_WIRE: o.wire, ...env },
});
const sink = (id: string, inputs: string[], o: Options, env: Record<string, string | number> = {}) => ({
  id,
  type: "blackhole",
  inputs,
  env: { FLOWCTL_WIRE: o.wire, ...env },
});

function pipeline(name: string, sources: object[], processors: object[], sinks: object[]): string {
  return stringify({ apiVersion: "flowctl/v1", kind: "Pipeline", metadata: { name }, spec: { sources, processors, sinks } });
}

export const benchPipelines = {
  linear: (o: Options) => pipeline("bench-linear", [source("gen", o)], [proc("work", ["gen"], o)], [sink("out", ["work"], o)]),
  fanOut: (o: Options) =>
    pipeline("bench-fan-out", [source("gen", o)], [], [sink("out-a", ["gen"], o), sink("out-b", ["gen"], o), sink("out-c", ["gen"], o)]),
  fanIn: (o: Options) =>
    pipeline("bench-fan-in", [source("gen-a", o), source("gen-b", o), source("gen-c", o)], [], [sink("out", ["gen-a", "gen-b", "gen-c"], o)]),
  diamond: (o: Options) =>
    pipeline("bench-diamond", [source("gen", o)], [proc("left", ["gen"], o), proc("right", ["gen"], o)], [sink("out", ["left", "right"], o)]),
  /** `stages` components in a line: a source, `stages − 2` passthroughs, a sink (ids gen, p1…, out). */
  chain: (o: Options, stages: number) => {
    const procs = Array.from({ length: stages - 2 }, (_, i) => proc(`p${i + 1}`, [i === 0 ? "gen" : `p${i}`], o));
    return pipeline(`bench-chain-${stages}`, [source("gen", o)], procs, [sink("out", [procs.at(-1)?.id ?? "gen"], o)]);
  },
  /** One source feeding `width` sinks (ids out-1…). */
  fanOutN: (o: Options, width: number) =>
    pipeline(`bench-fan-out-${width}`, [source("gen", o)], [], Array.from({ length: width }, (_, i) => sink(`out-${i + 1}`, ["gen"], o))),
  /** source → a CPU-bound passthrough (`workMicros` per event) with `replicas` replicas → sink. */
  cpuBound: (o: Options, replicas: number, workMicros: number) =>
    pipeline(`bench-replicas-${replicas}`, [source("gen", o)], [{ ...proc("work", ["gen"], o, { WORK_MICROS: workMicros }), replicas }], [sink("out", ["work"], o)]),
  /** A sink that takes one event per minute: effectively stalled; `capacity` sets its in-edge's queue. */
  stalled: (o: Options, capacity?: number) =>
    pipeline("bench-stalled", [source("gen", o)], [proc("work", ["gen"], o)], [
      { ...sink("out", ["work"], o, { DELAY_MS: 60_000 }), ...(capacity ? { queue: { capacity, policy: "block" } } : {}) },
    ]),
};
