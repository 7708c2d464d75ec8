/** Runs a pipeline through the engine library and measures it from the outside. */
import os from "node:os";
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { loadPipeline } from "../../server/core/spec";
import { runPipeline, type RunHandle } from "../../server/engine/run-pipeline";
import { parseExposition } from "../../server/metrics/exposition";
import { bucketQuantile, type Bucket } from "../../server/metrics/query/prom-functions";
import { cpuShare, sampleProc, type ProcSample } from "../lib/proc-stats";
import { waitFor } from "../lib/spawn-role";

export interface FlowctlMeasurement {
  /** Events per second received by the named sinks (summed). */
  eventsPerSec: number;
  /** CPU share per process (1.0 = one core); `engine` is this process (router worker included). */
  cpu: Record<string, number>;
  peakRssMb: Record<string, number>;
  engineRssStartMb: number;
  engineRssEndMb: number;
  dropped: number;
  /** End-to-end latency of the events written during the measurement window (not since start). */
  latencyMs?: { p50: number; p95: number; p99: number };
  /** The window's latency histogram: events written with latency ≤ `le` seconds (cumulative). */
  latencyBuckets?: { le: number; count: number }[];
  /** Highest queue depth of any component at the end of the window (events held by the engine). */
  queuePeak: number;
  /** Events queued in the engine (every component's queue) at the start and the end of the window. */
  queuedStart: number;
  queuedEnd: number;
  /** The measurement window on CLOCK_MONOTONIC, µs (what hop traces are stamped with). */
  windowMicros: [number, number];
}

interface MeasureOptions {
  yaml: string;
  sinks: string[];
  warmupSeconds: number;
  seconds: number;
  /** Read the sinks' end-to-end latency histogram at the end. */
  latency?: boolean;
  /** Measure until the sinks received this many events at least once (stalled sink: none). */
  requireEvents?: boolean;
  /**
   * The wire every instance must be relayed over. Checked from the run's topology after start:
   * a per-event measurement that silently ran on the batched wire would compare nothing.
   */
  wire: "batch" | "event";
  /** Directory for hop traces (FLOWCTL_TRACE_HOPS) of every process of the run; off when unset. */
  traceDir?: string;
}

/** Throws unless every instance of the run was relayed over `wire`. */
function assertWire(handle: RunHandle, wire: "batch" | "event"): void {
  const wrong = handle
    .topology()
    .components.flatMap((c) => c.instances)
    .filter((i) => i.wire !== wire)
    .map((i) => `${i.instanceId}=${i.wire ?? "unknown"}`);
  if (wrong.length > 0) throw new Error(`bench: expected every instance on the ${wire} wire, got ${wrong.join(", ")}`);
}

function sinkEvents(handle: RunHandle, sinks: string[]): number {
  return handle
    .snapshot()
    .filter((c) => sinks.includes(c.id))
    .reduce((n, c) => n + c.eventsIn, 0);
}

function queued(handle: RunHandle): number {
  return handle.snapshot().reduce((n, c) => n + (c.queueDepth ?? 0), 0);
}

function pids(handle: RunHandle): Record<string, number> {
  const out: Record<string, number> = { engine: process.pid };
  for (const c of handle.topology().components) for (const i of c.instances) if (i.pid) out[i.instanceId] = i.pid;
  return out;
}

function sampleAll(p: Record<string, number>): Record<string, ProcSample | undefined> {
  return Object.fromEntries(Object.entries(p).map(([k, pid]) => [k, sampleProc(pid)]));
}

/** The sinks' end-to-end latency histogram now: cumulative count per upper bound, summed over instances. */
async function sinkLatencyBuckets(handle: RunHandle, sinks: string[]): Promise<Map<number, number>> {
  const buckets = new Map<number, number>();
  for (const c of handle.topology().components.filter((x) => sinks.includes(x.id))) {
    for (const i of c.instances) {
      if (!i.metricsPort) continue;
      const text = await (await fetch(`http://127.0.0.1:${i.metricsPort}/metrics`)).text();
      for (const s of parseExposition(text)) {
        if (s.name !== "component_end_to_end_latency_seconds_bucket") continue;
        const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
        buckets.set(le, (buckets.get(le) ?? 0) + s.value);
      }
    }
  }
  return buckets;
}

/**
 * Quantiles of the events written between two histogram snapshots. The histogram is cumulative
 * since the sink started, so without the subtraction the start-up backlog (events produced before
 * every hop was connected) would land in p95/p99.
 */
function windowQuantiles(before: Map<number, number>, after: Map<number, number>): { p50: number; p95: number; p99: number; count: number; list: Bucket[] } {
  const list: Bucket[] = [...after.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([upperBound, count]) => ({ upperBound, count: count - (before.get(upperBound) ?? 0) }));
  const count = list.at(-1)?.count ?? 0;
  return { p50: bucketQuantile(0.5, list) * 1000, p95: bucketQuantile(0.95, list) * 1000, p99: bucketQuantile(0.99, list) * 1000, count, list };
}

const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

/** Starts the pipeline, waits for data, measures for `seconds` after `warmupSeconds`, stops it. */
export async function measureFlowctl(o: MeasureOptions): Promise<FlowctlMeasurement> {
  const loaded = loadPipeline(o.yaml, { file: "bench.yaml" });
  if (!loaded.pipeline) throw new Error(`bench pipeline invalid: ${JSON.stringify(loaded.diagnostics)}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-bench-"));
  // Components inherit the engine's environment when spawned, the router worker when created.
  if (o.traceDir) process.env.FLOWCTL_TRACE_HOPS = o.traceDir;
  // Kept until the run stops: components are spawned (and restarted) after runPipeline resolves.
  // A loaded machine makes starts slow, not failed: up to 300 s for every component to register.
  const handle = await runPipeline({ pipeline: loaded.pipeline, configYaml: o.yaml, cwd: dir, logDir: path.join(dir, "logs"), gracePeriodMs: 5_000, registrationTimeoutMs: 300_000 });
  try {
    await waitFor(() => handle.state === "running" || handle.state === "failed", 60_000, "the run to start");
    if (handle.state === "failed") throw new Error("bench run failed to start");
    if (o.requireEvents !== false) await waitFor(() => sinkEvents(handle, o.sinks) > 0, 60_000, "first events at the sinks");
    assertWire(handle, o.wire);
    await new Promise((r) => setTimeout(r, o.warmupSeconds * 1000));
    const p = pids(handle);
    const lat0 = o.latency ? await sinkLatencyBuckets(handle, o.sinks) : undefined;
    const rssStart = process.memoryUsage().rss / 2 ** 20;
    const queuedStart = queued(handle);
    const s0 = sampleAll(p);
    const e0 = sinkEvents(handle, o.sinks);
    const t0 = Date.now();
    const m0 = monotonicMicros();
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    const elapsed = (Date.now() - t0) / 1000;
    const m1 = monotonicMicros();
    const e1 = sinkEvents(handle, o.sinks);
    const s1 = sampleAll(p);
    const result: FlowctlMeasurement = {
      eventsPerSec: (e1 - e0) / elapsed,
      cpu: Object.fromEntries(Object.keys(p).map((k) => [k, cpuShare(s0[k], s1[k], elapsed)])),
      peakRssMb: Object.fromEntries(Object.keys(p).map((k) => [k, s1[k]?.peakRssMb ?? 0])),
      engineRssStartMb: rssStart,
      engineRssEndMb: process.memoryUsage().rss / 2 ** 20,
      dropped: handle.snapshot().reduce((n, c) => n + c.dropped, 0),
      windowMicros: [m0, m1],
      queuePeak: Math.max(0, ...handle.snapshot().map((c) => c.queuePeakDepth ?? 0)),
      queuedStart,
      queuedEnd: queued(handle),
    };
    if (lat0) {
      const q = windowQuantiles(lat0, await sinkLatencyBuckets(handle, o.sinks));
      if (q.count === 0) throw new Error("bench: no latency observations in the measurement window");
      result.latencyMs = { p50: q.p50, p95: q.p95, p99: q.p99 };
      result.latencyBuckets = q.list.map((b) => ({ le: b.upperBound, count: b.count }));
    }
    // Traces are flushed every 500 ms: let the window's last stamps reach the files.
    if (o.traceDir) await new Promise((r) => setTimeout(r, 1_200));
    return result;
  } finally {
    await handle.stop("benchmark done");
    delete process.env.FLOWCTL_TRACE_HOPS;
    rmSync(dir, { recursive: true, force: true });
  }
}
