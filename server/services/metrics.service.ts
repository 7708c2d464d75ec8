/**
 * Metrics the console serves: the engine's own families at `/metrics` (one registry shared by every
 * run, the same families as `flowctl run --metrics-port`), and service discovery for a real
 * Prometheus — `http_sd` at `/api/prometheus/targets` and the shared `file_sd` file under `.flowctl/`.
 */
import type { Logger } from "../core/logger";
import type { EngineMetrics } from "../metrics/engine-metrics";
import { SharedTargetsFile, type FileSdGroup } from "../metrics/file-sd";
import { httpSdTargets } from "../metrics/http-sd";
import { handlePrometheusRequest, parsePromTime, type PrometheusApiResponse } from "../metrics/promql/index";
import type { Store } from "../storage/store";
import { PrometheusSource } from "./prometheus-source";
import type { RunService } from "./run.service";

export interface MetricsServiceOptions {
  metrics: EngineMetrics;
  runs: RunService;
  /** `host:port` Prometheus scrapes the console's `/metrics` at. */
  consoleTarget: () => string;
  /** The file_sd file to keep current. */
  targetsFile: string;
  store: Store;
  logger: Logger;
}

/** Longest a PromQL query may evaluate before it is cancelled. */
const QUERY_TIMEOUT_MS = 10_000;
/** Prometheus's lookback: how far before an instant a sample still counts. */
const LOOKBACK_MS = 5 * 60_000;

export class MetricsService {
  private readonly shared: SharedTargetsFile;
  private readonly prometheus: PrometheusSource;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: MetricsServiceOptions) {
    this.shared = new SharedTargetsFile(opts.targetsFile);
    this.prometheus = new PrometheusSource({ metrics: opts.metrics, store: opts.store, logger: opts.logger, liveRuns: () => opts.runs.liveSeries() });
  }

  /**
   * One call of the Prometheus HTTP API (`/api/v1/query`, `query_range`, `series`, `labels`,
   * `label/<name>/values`), answered exactly as Prometheus would over the console's series.
   */
  async prometheusApi(request: Request): Promise<PrometheusApiResponse> {
    const url = new URL(request.url);
    const p = url.searchParams;
    const now = Date.now();
    // The time range asked for (query_range, series) or the instant's lookback (query).
    const time = (k: string) => (p.has(k) ? parsePromTime(p.get(k)!) : undefined);
    const to = time("end") ?? time("time") ?? now;
    const from = time("start") ?? to - LOOKBACK_MS;
    // Runs named in the query (or the series matchers) and recent ones are loaded before evaluation.
    const source = await this.prometheus.sourceFor(`${p.getAll("query").join(" ")} ${p.getAll("match[]").join(" ")}`, from, to);
    return handlePrometheusRequest(request, source, now, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
  }

  /** The engine registry in Prometheus text format. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    const registry = this.opts.metrics.registry;
    return { contentType: registry.contentType, text: await registry.metrics() };
  }

  /** Every scrape target of this console: itself and each instance of each owned run (http_sd). */
  targets(): FileSdGroup[] {
    const topologies = this.opts.runs.ownedRunIds().flatMap((id) => this.opts.runs.topologyOf(id) ?? []);
    return httpSdTargets(topologies, { address: this.opts.consoleTarget() });
  }

  /** Starts scraping the engine's own series and keeping the file_sd file current. */
  start(everyMs = 2_000): void {
    this.prometheus.start();
    const tick = () =>
      void this.shared.publish(this.targets()).catch((err: unknown) => this.opts.logger.warn("Prometheus targets file not written", { file: this.opts.targetsFile, error: String(err) }));
    tick();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
  }

  /** Stops updating and withdraws this console's targets from the file. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.prometheus.stop();
    await this.shared.withdraw().catch((err: unknown) => this.opts.logger.warn("Prometheus targets file not updated", { error: String(err) }));
  }
}
