/**
 * Prometheus metrics of a standalone control plane (`flowctl server --metrics-port`): flowctl's documented
 * control-plane gauges `flowctl_registered_components` and `flowctl_healthy_components` (plus
 * `flowctl_active_streams`, always 0 here — a standalone control plane relays no data), kept in
 * step with the registry.
 */
import type { Logger } from "../core/logger";
import type { ComponentRegistry } from "../control-plane/registry";
import { createEngineMetrics } from "../metrics/engine-metrics";
import { startMetricsHttp, type MetricsHttpServer } from "../metrics/metrics-http";

/** Serves the registry's gauges at `http://host:port/metrics` until closed. */
export async function serveControlPlaneMetrics(registry: ComponentRegistry, opts: { port: number; host: string; logger: Logger }): Promise<MetricsHttpServer> {
  const metrics = createEngineMetrics();
  const update = () => {
    const all = registry.list({ includeUnhealthy: true });
    metrics.registeredComponents.set(all.length);
    metrics.healthyComponents.set(all.filter((c) => c.status === "HEALTHY").length);
  };
  update();
  metrics.activeStreams.set(0);
  const unsubscribe = registry.subscribe(update);
  const server = await startMetricsHttp({ registry: metrics.registry, port: opts.port, host: opts.host, logger: opts.logger });
  return {
    ...server,
    close: async () => {
      unsubscribe();
      await server.close();
    },
  };
}
