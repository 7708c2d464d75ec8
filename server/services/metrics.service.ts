/**
 * Metrics the console serves: the engine's own families at `/metrics` (one registry shared by every
 * run, the same families as `flowctl run --metrics-port`), and service discovery for a real
 * Prometheus — `http_sd` at `/api/prometheus/targets` and the shared `file_sd` file under `.flowctl/`.
 */
import type { Logger } from "../core/logger";
import type { EngineMetrics } from "../metrics/engine-metrics";
import { fileSdGroups, SharedTargetsFile, type FileSdGroup } from "../metrics/file-sd";
import type { RunService } from "./run.service";

export interface MetricsServiceOptions {
  metrics: EngineMetrics;
  runs: RunService;
  /** `host:port` Prometheus scrapes the console's `/metrics` at. */
  consoleTarget: string;
  /** The file_sd file to keep current. */
  targetsFile: string;
  logger: Logger;
}

export class MetricsService {
  private readonly shared: SharedTargetsFile;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: MetricsServiceOptions) {
    this.shared = new SharedTargetsFile(opts.targetsFile);
  }

  /** The engine registry in Prometheus text format. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    const registry = this.opts.metrics.registry;
    return { contentType: registry.contentType, text: await registry.metrics() };
  }

  /** Every scrape target of this console: itself and each instance of each owned run. */
  targets(): FileSdGroup[] {
    const engine: FileSdGroup = { targets: [this.opts.consoleTarget], labels: { job: "flowctl-engine" } };
    const runs = this.opts.runs.ownedRunIds().flatMap((id) => {
      const topology = this.opts.runs.topologyOf(id);
      return topology ? fileSdGroups(topology) : [];
    });
    return [engine, ...runs];
  }

  /** Keeps the file_sd file current every `everyMs` until {@link stop}. */
  startFileSd(everyMs = 2_000): void {
    const tick = () =>
      void this.shared.publish(this.targets()).catch((err: unknown) => this.opts.logger.warn("Prometheus targets file not written", { file: this.opts.targetsFile, error: String(err) }));
    tick();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
  }

  /** Stops updating and withdraws this console's targets from the file. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.shared.withdraw().catch((err: unknown) => this.opts.logger.warn("Prometheus targets file not updated", { error: String(err) }));
  }
}
