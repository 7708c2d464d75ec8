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
const proc = (id: string, inputs: string[], o: Options) => ({ id, type: "passthrough", inputs, env: { BATCH_SIZE: o.batchSize, FLOWCTL_WIRE: o.wire } });
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
  /** A sink that takes one event per minute: effectively stalled. */
  stalled: (o: Options) =>
    pipeline("bench-stalled", [source("gen", o)], [proc("work", ["gen"], o)], [sink("out", ["work"], o, { DELAY_MS: 60_000 })]),
};
