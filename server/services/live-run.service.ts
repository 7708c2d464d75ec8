/**
 * What `flowctl run` / `flowctl start` do around a live run besides printing: observe it
 * (`observeRun`: scrapes, 10 s rollups and `diagnosis.finding` RunEvents in the store, so
 * `flowctl diagnose <run-id>` works for it) and, with `--metrics-port`, serve the engine registry
 * at `/metrics`. The command owns when; this owns how, and the order of teardown (the observer
 * flushes its last rollup before the store closes).
 */
import type { ComponentRegistry } from "../control-plane/registry";
import type { Logger } from "../core/logger";
import type { DiagnosisReport } from "../diagnosis/diagnosis-types";
import type { RunHandle } from "../engine/run-pipeline";
import { startMetricsHttp, type MetricsHttpServer } from "../metrics/metrics-http";
import { fileSdGroups, SharedTargetsFile } from "../metrics/file-sd";
import { observeRun, type ObservationStore, type RunObserver } from "../metrics/observe-run";
import type { HeartbeatSnapshot } from "../metrics/scrape-loop";
import { bottleneckLocation } from "./run-views";

/** The engine registry served by `--metrics-port` (prom-client Registry shape). */
export interface MetricsRegistry {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** Serves `registry` at `http://<host>:<port>/metrics` (port 0 = any free port). */
export function serveEngineMetrics(registry: MetricsRegistry, port: number, logger: Logger, host = "127.0.0.1"): Promise<MetricsHttpServer> {
  return startMetricsHttp({ registry, port, host, logger });
}

/** The store a live observation writes to: rollups, findings, and the run's final diagnosis. */
export interface LiveObservationStore extends ObservationStore {
  runs: ObservationStore["runs"] & { saveDiagnosis(runId: string, report: object): Promise<void> };
}

export interface LiveObservationOptions {
  store: LiveObservationStore;
  /** The embedded control plane's registry: heartbeats for components without /metrics. */
  registry?: ComponentRegistry;
  logger: Logger;
  /** @default 1000 */
  scrapeIntervalMs?: number;
  /** @default 10_000 */
  windowMs?: number;
  /**
   * Keep this run's scrape targets in this shared Prometheus `file_sd` file (withdrawn at stop).
   * The console leaves it unset: it publishes every run's targets itself.
   */
  targetsFile?: string;
}

/**
 * A run under observation; `stop()` flushes, stores the run's diagnosis as it ran (once it has
 * left RUNNING) and must run before the store closes.
 */
export interface LiveObservation {
  readonly observer: RunObserver;
  /** One phrase for the status line: the current bottleneck, "keeps up", or why there is none yet. */
  verdict(): string;
  stop(): Promise<void>;
}

/** Starts observing `handle` (returns at once; scraping runs in the background). */
export function observeLiveRun(handle: RunHandle, opts: LiveObservationOptions): LiveObservation {
  const stopping = new AbortController();
  const registry = opts.registry;
  let stopped: Promise<void> | undefined;
  const observer = observeRun(handle, {
    signal: stopping.signal,
    store: opts.store,
    intervalMs: opts.scrapeIntervalMs ?? 1_000,
    windowMs: opts.windowMs ?? 10_000,
    logger: opts.logger,
    ...(registry ? { heartbeats: registryHeartbeats(registry) } : {}),
  });
  // Published after scrape rounds (topology changes with restarts), written only when it changed.
  const targets = opts.targetsFile ? new SharedTargetsFile(opts.targetsFile) : undefined;
  let publishing: Promise<void> = Promise.resolve();
  const unsubscribeRounds = targets
    ? observer.onRound(() => {
        publishing = publishing
          .then(() => targets.publish(fileSdGroups(handle.topology())))
          .catch((err: unknown) => opts.logger.warn("Prometheus targets file not written", { file: opts.targetsFile, error: String(err) }));
      })
    : undefined;
  return {
    observer,
    verdict: () => describeVerdict(observer.latest()),
    stop() {
      return (stopped ??= (async () => {
        stopping.abort();
        await observer.stop();
        unsubscribeRounds?.();
        await publishing;
        await targets?.withdraw().catch((err: unknown) => opts.logger.warn("Prometheus targets file not updated", { error: String(err) }));
        const endedAt = handle.runningEndedAt;
        if (endedAt === undefined) return;
        // Diagnosed as it ran: the window ends when the run left RUNNING, before drain and shutdown.
        try {
          const report = await observer.diagnoseNow({ atMs: endedAt.getTime() });
          await opts.store.runs.saveDiagnosis(handle.runId, report);
        } catch (err) {
          opts.logger.warn("the run's diagnosis was not stored", { runId: handle.runId, error: String(err) });
        }
      })());
    },
  };
}

/**
 * The control plane registry's view of every component (unhealthy ones too) as the observer's
 * heartbeat snapshots: what it knows of components that serve no /metrics.
 */
export function registryHeartbeats(registry: ComponentRegistry): () => HeartbeatSnapshot[] {
  return () =>
    registry.list({ includeUnhealthy: true }).map((c) => ({
      componentId: c.serviceId,
      healthy: c.status === "HEALTHY",
      lastHeartbeatMs: c.lastHeartbeat.getTime(),
      metrics: c.metrics,
    }));
}

/** The status line's diagnosis phrase. */
export function describeVerdict(report: DiagnosisReport | undefined): string {
  if (!report) return "diagnosis: collecting a first window";
  const b = report.bottleneck;
  if (!b) return "keeps up";
  const where = bottleneckLocation(b);
  if (b.kind === "host") return `bottleneck: ${where}, no stage more than half busy`;
  // Reasons usually start by naming the component; do not name it twice.
  return b.reason.includes(b.component ?? where) ? `bottleneck: ${b.reason}` : `bottleneck: ${where} (${b.reason})`;
}
