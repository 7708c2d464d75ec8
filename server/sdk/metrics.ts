/**
 * A component's Prometheus registry: the `component_*` families flowctl's performance guide documents (label `component_id`),
 * busy/idle/backpressured time that adds up to wall time, custom user metrics and Node defaults.
 * Hot-path counters are plain numbers copied into prom-client at scrape time.
 */
import client from "prom-client";
import { FastHistogram } from "./fast-histogram";
import type { UserMetrics } from "./types";

/** 50 µs … 10 s, for processing durations and latencies (seconds). */
export const DURATION_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * End-to-end latency buckets: dense between 0.5 and 20 ms, where a pipeline's p50/p99 live, so
 * quantiles interpolated from the histogram resolve a p99 target of a few milliseconds (with
 * DURATION_BUCKETS a p99 between 2.5 and 5 ms could only be read as "somewhere in that bucket").
 */
export const LATENCY_BUCKETS = [
  0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035, 0.004, 0.0045, 0.005, 0.006, 0.007, 0.008, 0.01, 0.0125, 0.015,
  0.02, 0.025, 0.035, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

type Activity = "busy" | "idle" | "backpressured";

/**
 * Wall time split into busy / backpressured / idle. Busy wins over backpressured (work in hand),
 * backpressured over idle; every millisecond since creation lands in exactly one bucket.
 */
export class TimeAccount {
  private busyDepth = 0;
  private blockedDepth = 0;
  /** Sleeps inside busy work (a throttled source) that should count as idle. */
  private suspendedDepth = 0;
  private last: number;
  readonly totalsMs: Record<Activity, number> = { busy: 0, idle: 0, backpressured: 0 };

  constructor(private readonly now: () => number = () => performance.now()) {
    this.last = now();
  }

  private current(): Activity {
    if (this.busyDepth > this.suspendedDepth) return "busy";
    return this.blockedDepth > 0 ? "backpressured" : "idle";
  }

  /** Books the time since the last transition to the current activity. */
  settle(): void {
    const t = this.now();
    this.totalsMs[this.current()] += t - this.last;
    this.last = t;
  }

  beginBusy(): void {
    this.settle();
    this.busyDepth++;
  }
  endBusy(): void {
    this.settle();
    this.busyDepth = Math.max(0, this.busyDepth - 1);
  }
  /** Marks a deliberate wait (ctx.sleep) inside busy work as idle. */
  suspend(): void {
    this.settle();
    this.suspendedDepth++;
  }
  resume(): void {
    this.settle();
    this.suspendedDepth = Math.max(0, this.suspendedDepth - 1);
  }
  beginBackpressure(): void {
    this.settle();
    this.blockedDepth++;
  }
  endBackpressure(): void {
    this.settle();
    this.blockedDepth = Math.max(0, this.blockedDepth - 1);
  }
  /** Runs `p` accounted as backpressure (waiting for credits / the downstream to drain). */
  async blocked<T>(p: Promise<T>): Promise<T> {
    this.beginBackpressure();
    try {
      return await p;
    } finally {
      this.endBackpressure();
    }
  }
}

/** Options of {@link ComponentMetrics}. */
export interface ComponentMetricsOptions {
  componentId: string;
  /** Sinks also get `component_end_to_end_latency_seconds`. */
  role: "source" | "processor" | "sink";
  /** Node default metrics (event-loop lag, heap, GC). Off in the test harness. @default true */
  collectDefaults?: boolean;
}

/** The metrics of one component instance. */
export class ComponentMetrics {
  readonly registry = new client.Registry();
  readonly time = new TimeAccount();
  eventsProcessed = 0;
  eventsReceived = 0;
  eventsEmitted = 0;
  bytesReceived = 0;
  errors = 0;
  /** Sinks: failed writes retried (one per retry of a batch). */
  writeRetries = 0;
  /** Sinks: events written to the dead-letter file after their retries were exhausted. */
  deadLettered = 0;
  queueDepth = 0;
  readonly processingDuration: FastHistogram;
  readonly endToEndLatency: FastHistogram;
  readonly user: UserMetrics;
  private readonly startedAt = performance.now();

  constructor(opts: ComponentMetricsOptions) {
    this.registry.setDefaultLabels({ component_id: opts.componentId });
    const r = [this.registry];
    const counterFrom = (name: string, help: string, read: () => number) =>
      new client.Counter({
        name,
        help,
        registers: r,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    counterFrom("component_events_processed_total", "Events handled: produced by a source, processed by a processor, written by a sink.", () => this.eventsProcessed);
    counterFrom("component_events_received_total", "Events received from upstream.", () => this.eventsReceived);
    counterFrom("component_events_emitted_total", "Events sent downstream.", () => this.eventsEmitted);
    counterFrom("component_bytes_received_total", "Wire bytes of received events.", () => this.bytesReceived);
    counterFrom("component_errors_total", "Events that failed (handler errors, failed writes).", () => this.errors);
    if (opts.role === "sink") {
      counterFrom("component_write_retries_total", "Failed sink writes retried (once per retry of a batch).", () => this.writeRetries);
      counterFrom("component_dead_letter_events_total", "Events written to the dead-letter file after their write retries were exhausted.", () => this.deadLettered);
    }
    const time = this.time;
    const timeCounter = (name: string, help: string, key: Activity) =>
      counterFrom(name, help, () => {
        time.settle();
        return time.totalsMs[key] / 1000;
      });
    timeCounter("component_busy_seconds_total", "Wall time spent handling events (busy + idle + backpressured = wall time).", "busy");
    timeCounter("component_idle_seconds_total", "Wall time spent waiting for input.", "idle");
    timeCounter("component_backpressured_seconds_total", "Wall time spent waiting to send downstream or for credits.", "backpressured");
    const readDepth = () => this.queueDepth;
    new client.Gauge({
      name: "component_queue_depth",
      help: "Events buffered inside the component (received, not yet handled or written).",
      registers: r,
      collect() {
        this.set(readDepth());
      },
    });
    const startedAt = this.startedAt;
    new client.Gauge({
      name: "component_uptime_seconds",
      help: "Seconds since the component started.",
      registers: r,
      collect() {
        this.set((performance.now() - startedAt) / 1000);
      },
    });
    this.processingDuration = new FastHistogram(
      "component_processing_duration_seconds",
      "Time per handler call: one event (process), one batch (processBatch, sink flush), one produce step.",
      DURATION_BUCKETS,
      r,
    );
    this.endToEndLatency = new FastHistogram(
      "component_end_to_end_latency_seconds",
      "At sinks: write completion time minus the event's timestamp (the load generator's send time).",
      LATENCY_BUCKETS,
      opts.role === "sink" ? r : [],
    );
    if (opts.collectDefaults ?? true) {
      client.collectDefaultMetrics({ register: this.registry });
      // prom-client names three gauges `*_total`, which `promtool check metrics` rejects; the same
      // counts remain as `nodejs_active_handles{type}` etc. (the engine drops them too).
      for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) this.registry.removeSingleMetric(name);
    }
    this.user = this.createUserMetrics();
  }

  private createUserMetrics(): UserMetrics {
    const r = [this.registry];
    const existing = <T>(name: string): T | undefined => this.registry.getSingleMetric(name) as T | undefined;
    return {
      counter: (name, help) => existing<client.Counter>(name) ?? new client.Counter({ name, help, registers: r }),
      gauge: (name, help) => existing<client.Gauge>(name) ?? new client.Gauge({ name, help, registers: r }),
      histogram: (name, help, buckets = DURATION_BUCKETS) => existing<client.Histogram>(name) ?? new client.Histogram({ name, help, buckets, registers: r }),
    };
  }

  /** Prometheus text exposition. */
  expose(): Promise<string> {
    return this.registry.metrics();
  }

  /** Flat string map for control-plane heartbeats (flowctl's `metrics` map). */
  snapshot(): Record<string, string> {
    this.time.settle();
    return {
      events_processed: String(this.eventsProcessed),
      events_received: String(this.eventsReceived),
      events_emitted: String(this.eventsEmitted),
      error_count: String(this.errors),
      ...(this.writeRetries > 0 || this.deadLettered > 0 ? { write_retries: String(this.writeRetries), dead_letter_events: String(this.deadLettered) } : {}),
      queue_depth: String(this.queueDepth),
      busy_seconds: (this.time.totalsMs.busy / 1000).toFixed(3),
      backpressured_seconds: (this.time.totalsMs.backpressured / 1000).toFixed(3),
      uptime_seconds: ((performance.now() - this.startedAt) / 1000).toFixed(1),
    };
  }
}
