/**
 * How close the diagnosis' replica estimates come: for each scenario, run the pipeline, diagnose
 * it, take the estimate for the next replica count, run again with that count, and compare the
 * measured rate with the estimate — side by side in one invocation, on this machine.
 *
 *   npm run bench:estimates                  (~8 minutes; prints one line per round and the load)
 *   npm run bench:estimates -- --rounds 1 --for 40s
 *
 * Each line also says what limited the second run: an estimate holds only while the stage stays
 * the bottleneck ("upstream limits still apply"), and on a host whose cores are all busy every
 * stage waits for CPU, so read the load average and the host's busy cores with the figures.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { ComponentRegistry } from "../server/control-plane/registry";
import { loadPipeline } from "../server/core/spec/index";
import { parseDuration } from "../server/core/units";
import { diagnose } from "../server/diagnosis/diagnose";
import type { DiagnosisReport } from "../server/diagnosis/diagnosis-types";
import { runPipeline } from "../server/engine/run-pipeline";
import { createLogger } from "../server/lifecycle/logger";
import { collectMetricWindow } from "../server/metrics/collect-window";
import { observeRun } from "../server/metrics/observe-run";
import { registryHeartbeats } from "../server/services/live-run.service";

interface Scenario {
  name: string;
  /** The component whose replicas change. */
  target: string;
  replicas: number;
  yaml: (replicas: number) => string;
}

const pipeline = (name: string, spec: Record<string, unknown>) => stringify({ apiVersion: "flowctl/v1", kind: "Pipeline", metadata: { name }, spec });
const gen = { id: "gen", type: "load-generator", env: { EVENTS_PER_SECOND: 0, EVENT_SIZE_BYTES: 256 } };

const SCENARIOS: Scenario[] = [
  {
    name: "processor waiting 4 ms per event (passthrough DELAY_MS=4)",
    target: "geocode",
    replicas: 2,
    yaml: (n) => pipeline("est-waiting-processor", { sources: [gen], processors: [{ id: "geocode", type: "passthrough", inputs: ["gen"], replicas: n, env: { DELAY_MS: 4 } }], sinks: [{ id: "out", type: "blackhole", inputs: ["geocode"] }] }),
  },
  {
    name: "sink waiting 2 ms per event (blackhole DELAY_MS=2)",
    target: "db",
    replicas: 1,
    yaml: (n) => pipeline("est-waiting-sink", { sources: [gen], sinks: [{ id: "db", type: "blackhole", inputs: ["gen"], replicas: n, env: { DELAY_MS: 2 } }] }),
  },
  {
    name: "processor computing 1 ms per event (passthrough WORK_MICROS=1000)",
    target: "work",
    replicas: 1,
    yaml: (n) => pipeline("est-cpu-processor", { sources: [gen], processors: [{ id: "work", type: "passthrough", inputs: ["gen"], replicas: n, env: { WORK_MICROS: 1000 } }], sinks: [{ id: "out", type: "blackhole", inputs: ["work"] }] }),
  },
];

/** Runs `yaml` for `forMs`; the diagnosis of its last `windowMs`, and how busy the host was. */
async function observe(yaml: string, forMs: number, windowMs: number): Promise<DiagnosisReport & { hostBusy: string }> {
  const loaded = loadPipeline(yaml, { file: "scenario.yaml" });
  if (!loaded.pipeline) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
  const registry = new ComponentRegistry();
  const handle = await runPipeline({ pipeline: loaded.pipeline, configYaml: yaml, registry, controlPlane: { mode: "embedded", port: 0 }, console: false, logger: createLogger({ level: "error" }) });
  const observing = new AbortController();
  const observer = observeRun(handle, { signal: observing.signal, windowMs, heartbeats: registryHeartbeats(registry) });
  try {
    await new Promise((r) => setTimeout(r, forMs));
    const window = await collectMetricWindow(observer.query, handle.topology(), { atMs: Date.now(), windowMs });
    return { ...diagnose(window), hostBusy: `${window.host?.hostBusyCores?.toFixed(1) ?? "?"}/${window.host?.cpuCount ?? "?"} cores busy` };
  } finally {
    observing.abort();
    await observer.stop();
    await handle.stop("measured");
  }
}

const rateOf = (r: DiagnosisReport, id: string) => {
  const c = r.components.find((x) => x.id === id)!;
  return (c.role === "sink" ? (c.outRate ?? c.inRate) : (c.inRate ?? c.outRate)) ?? 0;
};

const { values } = parseArgs({ options: { for: { type: "string", default: "25s" }, window: { type: "string", default: "10s" }, rounds: { type: "string", default: "2" } } });
const rounds = Math.max(1, Number(values.rounds) || 1);
const forMs = parseDuration(values.for) ?? 25_000;
const windowMs = parseDuration(values.window) ?? 10_000;
const rows: string[] = [];
const limitOf = (r: DiagnosisReport) => (r.bottleneck ? (r.bottleneck.kind === "host" ? `host ${r.bottleneck.busyCores}/${r.bottleneck.cpus} cores` : (r.bottleneck.component ?? `${r.bottleneck.edge?.from}→${r.bottleneck.edge?.to}`)) : "none");
for (let round = 0; round < rounds; round++) for (const s of SCENARIOS) {
  process.stderr.write(`[estimates] ${s.name}: ${s.replicas} replica(s)…\n`);
  const before = await observe(s.yaml(s.replicas), forMs, windowMs);
  const c = before.components.find((x) => x.id === s.target)!;
  const est = before.bottleneck?.estimates?.find((e) => e.component === s.target && e.value === s.replicas * 2);
  if (!est) {
    rows.push(`${s.name}: no estimate (bottleneck ${before.bottleneck?.kind ?? "none"} ${before.bottleneck?.component ?? ""})`);
    continue;
  }
  process.stderr.write(`[estimates] ${s.name}: ${est.value} replicas…\n`);
  const after = await observe(s.yaml(est.value), forMs, windowMs);
  const measured = rateOf(after, s.target);
  const estimate = est.upTo !== null ? `${Math.round(est.eventsPerSecond)}–${Math.round(est.upTo)} ev/s (capped: host busy with other work)` : `${Math.round(est.eventsPerSecond)} ev/s${est.cappedByHost ? " (capped by idle cores)" : ""}`;
  const verdict = est.upTo !== null ? (measured >= est.eventsPerSecond && measured <= est.upTo ? "within the range" : "outside the range") : `${Math.round((measured / est.eventsPerSecond) * 100)} % of the estimate`;
  const busyAfter = after.components.find((x) => x.id === s.target)?.busy;
  rows.push(
    `round ${round + 1} | ${s.name}: ${s.replicas} → ${est.value} replicas, ${c.bound ?? "-"} (${c.cpuCores?.toFixed(2) ?? "?"} cores at ${Math.round(rateOf(before, s.target))} ev/s) | estimate ${estimate} | measured ${Math.round(measured)} ev/s = ${verdict} | then limited by ${limitOf(after)} (${s.target} busy ${busyAfter == null ? "?" : Math.round(busyAfter * 100)} %; host ${before.hostBusy} → ${after.hostBusy})`,
  );
}
process.stdout.write(`${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}, --for ${values.for} --window ${values.window}\n${rows.join("\n")}\n`);
