/**
 * The engine's own Prometheus metrics (served on the console/HTTP port and on --metrics-port):
 * the control-plane gauges flowctl's performance guide documents and the per-edge router metrics that diagnosis reads.
 * One factory so the engine, the scraper and the tests agree on names, types and labels.
 */
import os from "node:os";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export interface EngineMetrics {
  registry: Registry;
  /**
   * The registry as exposition text, formatted at most once per {@link EXPOSITION_MAX_AGE_MS}: the
   * console's runs each scrape it every second, and formatting it once per run cost as many times.
   */
  exposition(): Promise<string>;
  registeredComponents: Gauge;
  healthyComponents: Gauge;
  activeStreams: Gauge;
  /** labels: pipeline, from, to */
  edgeQueueDepth: Gauge;
  edgeQueueCapacity: Gauge;
  edgeEvents: Counter;
  edgeBytes: Counter;
  /** Seconds the upstream waited on this edge's full queue. */
  edgeBlockedSeconds: Counter;
  edgeDropped: Counter;
  /** Events the producer emitted for the edge (enqueued + rejected); labels: pipeline, from, to. */
  edgeProduced: Counter;
  /** Events settled on the edge; labels: pipeline, from, to, outcome = delivered | dropped | rejected | lost | abandoned. */
  edgeSettled: Counter;
  /** Events a sink's event-type filter kept off the edge. */
  edgeFiltered: Counter;
  /** labels: pipeline, component_id */
  componentRestarts: Counter;
  /** 1 healthy, 0 not; labels: pipeline, component_id */
  componentUp: Gauge;
  /** labels: pipeline, component_id, outcome = lost | redelivered */
  inflightAtCrash: Counter;
}

const EDGE_LABELS = ["pipeline", "from", "to"] as const;
const COMPONENT_LABELS = ["pipeline", "component_id"] as const;

/**
 * prom-client's default metrics include three gauges named `*_total`, which `promtool check metrics`
 * rejects (only counters may end in `_total`). Each is the sum of its per-type sibling gauge
 * (`nodejs_active_handles{type}` …), so dropping them loses nothing.
 */
export const NON_COMPLIANT_DEFAULT_METRICS = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"] as const;

/** Removes {@link NON_COMPLIANT_DEFAULT_METRICS} (with `prefix`) from a registry. */
export function removeNonCompliantDefaults(registry: Registry, prefix = ""): void {
  for (const name of NON_COMPLIANT_DEFAULT_METRICS) registry.removeSingleMetric(prefix + name);
}

/** The engine's registry with every family above (and Node defaults prefixed `flowctl_engine_`). */
/** CPU seconds all cores of this machine spent busy (user, nice, system, irq) since boot. */
function hostBusyCpuSeconds(): number {
  let ms = 0;
  for (const c of os.cpus()) ms += c.times.user + c.times.nice + c.times.sys + c.times.irq;
  return ms / 1000;
}

/**
 * The machine's cores and how busy they are, whoever uses them: diagnosis must not promise that
 * replicas add throughput on a host whose cores other work already takes.
 */
function registerHostCpuMetrics(registry: Registry): void {
  new Gauge({
    name: "flowctl_host_cpus",
    help: "CPU cores available on the engine's host.",
    registers: [registry],
    collect() {
      this.set(os.availableParallelism());
    },
  });
  let last = hostBusyCpuSeconds();
  new Counter({
    name: "flowctl_host_cpu_busy_seconds_total",
    help: "CPU seconds the host's cores spent busy (any process), summed over cores.",
    registers: [registry],
    collect() {
      const now = hostBusyCpuSeconds();
      if (now > last) this.inc(now - last);
      last = now;
    },
  });
}

/** How long one formatting of the engine registry is reused (under a scrape interval). */
export const EXPOSITION_MAX_AGE_MS = 500;

export function createEngineMetrics(opts: { defaultMetrics?: boolean } = {}): EngineMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: "flowctl_engine_" });
    removeNonCompliantDefaults(registry, "flowctl_engine_");
  }
  const reg = [registry];
  registerHostCpuMetrics(registry);
  let cached: { at: number; text: Promise<string> } | undefined;
  const exposition = () => {
    const now = performance.now();
    if (!cached || now - cached.at > EXPOSITION_MAX_AGE_MS) {
      const text = registry.metrics();
      cached = { at: now, text };
      text.catch(() => (cached = undefined));
    }
    return cached.text;
  };
  return {
    registry,
    exposition,
    registeredComponents: new Gauge({ name: "flowctl_registered_components", help: "Components registered with the control plane.", registers: reg }),
    healthyComponents: new Gauge({ name: "flowctl_healthy_components", help: "Registered components whose status is HEALTHY.", registers: reg }),
    activeStreams: new Gauge({ name: "flowctl_active_streams", help: "Open data-plane gRPC streams between the engine and components.", registers: reg }),
    edgeQueueDepth: new Gauge({ name: "flowctl_edge_queue_depth", help: "Events queued on the edge, waiting for the downstream component.", labelNames: EDGE_LABELS, registers: reg }),
    edgeQueueCapacity: new Gauge({ name: "flowctl_edge_queue_capacity", help: "Capacity of the edge's bounded queue, in events.", labelNames: EDGE_LABELS, registers: reg }),
    edgeEvents: new Counter({ name: "flowctl_edge_events_total", help: "Events delivered across the edge.", labelNames: EDGE_LABELS, registers: reg }),
    edgeBytes: new Counter({ name: "flowctl_edge_bytes_total", help: "Serialized event bytes delivered across the edge.", labelNames: EDGE_LABELS, registers: reg }),
    edgeBlockedSeconds: new Counter({ name: "flowctl_edge_blocked_seconds_total", help: "Time the upstream waited on the edge's queue: full, or without room for its next batch.", labelNames: EDGE_LABELS, registers: reg }),
    edgeDropped: new Counter({ name: "flowctl_edge_dropped_total", help: "Events discarded by a drop_oldest queue on the edge.", labelNames: EDGE_LABELS, registers: reg }),
    edgeProduced: new Counter({ name: "flowctl_edge_produced_total", help: "Events the producer emitted for the edge (queued, or rejected as too large).", labelNames: EDGE_LABELS, registers: reg }),
    edgeSettled: new Counter({
      name: "flowctl_edge_settled_total",
      help: "Events settled on the edge by outcome: delivered, dropped (policy), rejected (too large), lost (crash), abandoned (queued or in flight at stop). produced - sum = in flight.",
      labelNames: [...EDGE_LABELS, "outcome"],
      registers: reg,
    }),
    edgeFiltered: new Counter({ name: "flowctl_edge_filtered_total", help: "Events not offered on the edge because the receiving sink's event-type filter excludes their type.", labelNames: EDGE_LABELS, registers: reg }),
    componentRestarts: new Counter({ name: "flowctl_component_restarts_total", help: "Restarts of the component's process by the supervisor.", labelNames: COMPONENT_LABELS, registers: reg }),
    componentUp: new Gauge({ name: "flowctl_component_up", help: "1 when the component is registered and HEALTHY, else 0.", labelNames: COMPONENT_LABELS, registers: reg }),
    inflightAtCrash: new Counter({
      name: "flowctl_component_inflight_at_crash_total",
      help: "Events in flight to a component when it crashed, by outcome (lost or redelivered).",
      labelNames: [...COMPONENT_LABELS, "outcome"],
      registers: reg,
    }),
  };
}
