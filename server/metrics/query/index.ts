/** The metrics query layer: one interface, embedded or Prometheus-backed by `PROMETHEUS_URL`. */
import { z } from "zod";
import { InvalidArgumentError } from "../../core/errors";
import type { SeriesStore } from "../series-store";
import { EmbeddedMetricsQuery } from "./embedded-query";
import { PrometheusMetricsQuery } from "./prometheus-query";
import type { MetricsQuery } from "./query-types";

export * from "./query-types";
export { EmbeddedMetricsQuery } from "./embedded-query";
export { PrometheusMetricsQuery } from "./prometheus-query";
export { bucketQuantile, extrapolatedRate } from "./prom-functions";

const prometheusUrlSchema = z.url({ protocol: /^https?$/ });

/**
 * The query backend for this process: Prometheus when `prometheusUrl` (normally
 * `process.env.PROMETHEUS_URL`) is set, else the embedded store.
 */
export function createMetricsQuery(opts: { store: SeriesStore; prometheusUrl?: string | undefined }): MetricsQuery {
  const url = opts.prometheusUrl?.trim();
  if (url) {
    const parsed = prometheusUrlSchema.safeParse(url);
    if (!parsed.success) throw new InvalidArgumentError("PROMETHEUS_URL", `must be an http(s) URL, got ${JSON.stringify(url)}`);
    return new PrometheusMetricsQuery({ url: parsed.data });
  }
  return new EmbeddedMetricsQuery(opts.store);
}
