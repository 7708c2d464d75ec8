/**
 * Turns the router's periodic stats into engine metrics (counters advanced by deltas, gauges set)
 * and per-component run summaries.
 */
import type { Counter, Gauge, LabelValues } from "prom-client";
import { emptyComponentRunMetrics } from "../core/run";
import type { CompiledPipeline } from "../core/spec/compile";
import type { EngineMetrics } from "../metrics/engine-metrics";
import type { RouterStats } from "./router/protocol";
import type { ComponentSummary, EdgeAccount } from "./run-types";

export class RunStats {
  private last: RouterStats | undefined;
  private readonly applied = new Map<string, number>();
  private readonly restarts = new Map<string, number>();

  constructor(
    private readonly pipeline: CompiledPipeline,
    private readonly metrics: EngineMetrics,
  ) {}

  get latest(): RouterStats | undefined {
    return this.last;
  }

  restarted(componentId: string): void {
    this.restarts.set(componentId, (this.restarts.get(componentId) ?? 0) + 1);
  }

  /**
   * Advances `counter` to the router's cumulative `value`. Unchanged values are skipped: the router
   * reports every 250 ms and prom-client hashes the label set on every call, which on a 50-component
   * run was thousands of no-op increments per second. The first report creates the series at 0.
   */
  private bump(counter: Counter<string>, labels: LabelValues<string>, key: string, value: number): void {
    const prev = this.applied.get(key);
    if (prev === value) return;
    this.applied.set(key, value);
    counter.inc(labels, Math.max(0, value - (prev ?? 0)));
  }

  /** Sets a gauge when its value changed since the last report. */
  private gauge(g: Gauge<string>, labels: LabelValues<string>, key: string, value: number): void {
    if (this.applied.get(key) === value) return;
    this.applied.set(key, value);
    g.set(labels, value);
  }

  apply(s: RouterStats): void {
    this.last = s;
    const m = this.metrics;
    const name = this.pipeline.name;
    for (const e of s.edges) {
      const labels = { pipeline: name, from: e.from, to: e.to };
      const key = `${e.from}>${e.to}`;
      this.gauge(m.edgeQueueDepth, labels, `de:${key}`, e.depth);
      this.gauge(m.edgeQueueCapacity, labels, `ca:${key}`, e.capacity);
      this.bump(m.edgeEvents, labels, `ev:${key}`, e.events);
      this.bump(m.edgeBytes, labels, `by:${key}`, e.bytes);
      this.bump(m.edgeBlockedSeconds, labels, `bl:${key}`, e.blockedSeconds);
      this.bump(m.edgeDropped, labels, `dr:${key}`, e.dropped);
      this.bump(m.edgeProduced, labels, `pr:${key}`, e.produced);
      this.bump(m.edgeFiltered, labels, `fi:${key}`, e.filtered);
      for (const outcome of ["delivered", "dropped", "rejected", "lost", "abandoned"] as const) {
        this.bump(m.edgeSettled, { ...labels, outcome }, `${outcome}:${key}`, e[outcome]);
      }
    }
    for (const n of s.nodes) {
      const labels = { pipeline: name, component_id: n.id };
      this.bump(m.inflightAtCrash, { ...labels, outcome: "lost" }, `lost:${n.id}`, n.lost);
      this.bump(m.inflightAtCrash, { ...labels, outcome: "redelivered" }, `redel:${n.id}`, n.redelivered);
    }
    m.activeStreams.set(s.activeStreams);
  }

  /**
   * The per-edge account as of the latest stats (the final one at the end of a run): every event a
   * producer emitted for an edge is delivered, dropped, rejected, lost, abandoned — or, while the
   * run lives, in flight. `unaccounted` is what the sum misses (0 unless something is wrong).
   */
  edgeAccounts(): EdgeAccount[] {
    return (this.last?.edges ?? []).map((e) => {
      const settled = e.delivered + e.dropped + e.rejected + e.lost + e.abandoned;
      const inFlight = Math.max(0, e.produced - settled);
      return {
        from: e.from,
        to: e.to,
        produced: e.produced,
        delivered: e.delivered,
        dropped: e.dropped,
        rejected: e.rejected,
        lost: e.lost,
        abandoned: e.abandoned,
        filtered: e.filtered,
        inFlight: this.last?.final ? 0 : inFlight,
        unaccounted: this.last?.final ? e.produced - settled : 0,
      };
    });
  }

  summaries(): ComponentSummary[] {
    const byId = new Map((this.last?.nodes ?? []).map((n) => [n.id, n]));
    const dropped = new Map<string, number>();
    const depth = new Map<string, number>();
    const peak = new Map<string, number>();
    for (const e of this.last?.edges ?? []) {
      dropped.set(e.to, (dropped.get(e.to) ?? 0) + e.dropped);
      depth.set(e.to, (depth.get(e.to) ?? 0) + e.depth);
      peak.set(e.to, Math.max(peak.get(e.to) ?? 0, e.peakDepth));
    }
    return this.pipeline.components.map((c) => {
      const n = byId.get(c.id);
      const base = emptyComponentRunMetrics();
      const instances: ComponentSummary["instances"] = {};
      for (const [id, i] of Object.entries(n?.instances ?? {})) instances[id] = { eventsIn: i.eventsIn, eventsOut: i.eventsOut };
      return {
        ...base,
        id: c.id,
        role: c.role,
        eventsIn: n?.eventsIn ?? 0,
        eventsOut: n?.eventsOut ?? 0,
        bytesIn: n?.bytesIn ?? 0,
        bytesOut: n?.bytesOut ?? 0,
        errors: n?.errors ?? 0,
        lost: n?.lost ?? 0,
        redelivered: n?.redelivered ?? 0,
        dropped: dropped.get(c.id) ?? 0,
        restarts: this.restarts.get(c.id) ?? 0,
        instances,
        queueDepth: depth.get(c.id) ?? 0,
        queuePeakDepth: peak.get(c.id) ?? 0,
        filtered: n?.filtered ?? 0,
        rejected: n?.rejected ?? 0,
        streamErrors: n?.streamErrors ?? 0,
        protocolErrors: n?.protocolErrors ?? 0,
      };
    });
  }
}
