/**
 * `observeRun(handle, opts)`: everything metrics does for a live run. Scrapes the run's components
 * and the engine registry into a series store, persists 10 s rollups, diagnoses continuously and
 * stores each change of findings as a `diagnosis.finding` RunEvent, and optionally keeps a
 * Prometheus `file_sd` file of the components' targets up to date.
 */
import type { Logger } from "../core/logger";
import { ROLLUP_RESOLUTION_MS, type MetricRollupPoint } from "../core/metric-rollup";
import { silentLogger } from "../core/logger";
import { toFlowError } from "../core/errors";
import { diagnose } from "../diagnosis/diagnose";
import type { DiagnosisOptions, DiagnosisReport, Finding } from "../diagnosis/diagnosis-types";
import { collectMetricWindow } from "./collect-window";
import { fileSdGroups, writeFileSd } from "./file-sd";
import { EmbeddedMetricsQuery } from "./query/embedded-query";
import type { MetricsQuery } from "./query/query-types";
import { rollupPoints } from "./rollups";
import { ofPipeline } from "./exposition-filter";
import { FindingTracker } from "./finding-tracker";
import { ScrapeLoop, type HeartbeatSnapshot, type ScrapeTarget } from "./scrape-loop";
import { SeriesStore } from "./series-store";

/** What observeRun needs from a RunHandle (structural: metrics does not import the engine). */
export interface ObservableRun {
  readonly runId: string;
  topology(): {
    pipeline: string;
    runId: string;
    components: ReadonlyArray<{
      id: string;
      role: "source" | "processor" | "sink";
      replicas: number;
      /** `endpoint`: where the instance registered; its metrics are scraped on that host (attach mode: another machine). */
      instances: ReadonlyArray<{ instanceId: string; metricsPort: number | undefined; endpoint?: string | undefined }>;
      /** Passed on to the diagnosis (advice already applied is not repeated). */
      settings?: { batch: { size: number; flushIntervalMs: number } | null; queueCapacity?: number };
    }>;
    edges: ReadonlyArray<{ from: string; to: string; capacity: number }>;
  };
  /** The engine's metrics (shared by every run of a console: filtered to this run's pipeline). */
  readonly metrics: { exposition(): Promise<string> };
  /** Set once the run left RUNNING: later rounds (drain, shutdown) are scraped but not diagnosed. */
  readonly runningEndedAt?: Date | undefined;
}

/** The store repositories observeRun writes to (structural). */
export interface ObservationStore {
  metrics: { saveRollups(runId: string, points: MetricRollupPoint[]): Promise<void> };
  runs: { appendEvent(runId: string, input: { type: "diagnosis.finding"; componentId?: string | null; message: string; data?: Record<string, unknown> | null; at?: Date }): Promise<unknown> };
}

export interface ObserveRunOptions {
  signal: AbortSignal;
  store?: ObservationStore;
  /** @default 1000 */
  intervalMs?: number;
  /** Per-target scrape timeout. @default 80 % of intervalMs */
  scrapeTimeoutMs?: number;
  /** Diagnosis window. @default 10_000 */
  windowMs?: number;
  /** How often findings are recomputed. @default 5_000 */
  diagnoseEveryMs?: number;
  /** Where diagnosis reads from. @default the embedded store this observer fills */
  query?: MetricsQuery;
  heartbeats?: () => readonly HeartbeatSnapshot[];
  /** Keep a Prometheus file_sd JSON of the components' targets here. */
  fileSdPath?: string;
  diagnosis?: DiagnosisOptions;
  /** @default 3600 */
  retentionPoints?: number;
  logger?: Logger;
}

/** A finding entering or leaving the run's findings (the stored timeline). */
export interface FindingChange {
  at: Date;
  state: "raised" | "cleared";
  finding: Finding;
}

export interface RunObserver {
  readonly series: SeriesStore;
  readonly query: MetricsQuery;
  readonly loop: ScrapeLoop;
  /** The latest continuous diagnosis, once a window's worth of data exists. */
  latest(): DiagnosisReport | undefined;
  /** When the last scrape round completed (ms), undefined before the first. */
  lastScrapeAt(): number | undefined;
  /** Calls `listener` after each scrape round with its time; returns the unsubscribe. */
  onRound(listener: (atMs: number) => void): () => void;
  timeline(): readonly FindingChange[];
  /** Diagnoses the window ending now (or at `atMs`). */
  diagnoseNow(opts?: { windowMs?: number; atMs?: number }): Promise<DiagnosisReport>;
  /** Stops scraping, flushes the last rollup and pending writes. Idempotent. */
  stop(): Promise<void>;
}

/** Rollup batches (10 s each) waiting for the store before newer ones are dropped. */
const MAX_PENDING_ROLLUPS = 6;

/** The host of a registered `host:port` endpoint (loopback when unknown). */
function metricsHost(endpoint: string | undefined): string {
  const i = endpoint?.lastIndexOf(":") ?? -1;
  const host = i > 0 ? endpoint!.slice(0, i) : "";
  return host && host !== "0.0.0.0" ? host : "127.0.0.1";
}

/** Component targets from a topology: one per instance announcing a metrics port. */
export function componentTargets(t: ReturnType<ObservableRun["topology"]>): ScrapeTarget[] {
  return t.components.flatMap((c) =>
    c.instances
      .filter((i) => i.metricsPort)
      .map((i) => ({ job: "flowctl-component", instance: i.instanceId, url: `http://${metricsHost(i.endpoint)}:${i.metricsPort}/metrics`, labels: { pipeline: t.pipeline } })),
  );
}

/** Starts observing; returns immediately. Aborting `signal` stops it (as does `stop()`). */
export function observeRun(handle: ObservableRun, opts: ObserveRunOptions): RunObserver {
  const logger = opts.logger ?? silentLogger;
  const windowMs = opts.windowMs ?? 10_000;
  const diagnoseEveryMs = opts.diagnoseEveryMs ?? 5_000;
  const series = new SeriesStore({ capacity: opts.retentionPoints ?? 3600 });
  const query = opts.query ?? new EmbeddedMetricsQuery(series);
  const internal = new AbortController();
  const signal = AbortSignal.any([opts.signal, internal.signal]);
  const loop = new ScrapeLoop({
    store: series,
    intervalMs: opts.intervalMs ?? 1000,
    ...(opts.scrapeTimeoutMs !== undefined ? { timeoutMs: opts.scrapeTimeoutMs } : {}),
    logger,
    targets: () => componentTargets(handle.topology()),
    local: () => [{ job: "flowctl-engine", instance: "engine", collect: async () => ofPipeline(await handle.metrics.exposition(), handle.topology().pipeline) }],
    ...(opts.heartbeats ? { heartbeats: opts.heartbeats } : {}),
  });

  let latest: DiagnosisReport | undefined;
  const changes: FindingChange[] = [];
  let firstScrape: number | undefined;
  let lastScrape: number | undefined;
  let lastDiagnosis = -Infinity;
  let nextRollup: number | undefined;
  let lastFileSd = "";
  // Store writes are ordered and never thrown into the loop: a failing write is logged.
  let writes: Promise<unknown> = Promise.resolve();
  const persist = (what: string, fn: () => Promise<unknown>) => {
    writes = writes.then(fn).catch((err: unknown) => logger.warn(`${what} not persisted`, { runId: handle.runId, error: toFlowError(err).message }));
  };

  const tracker = new FindingTracker();
  const recordFindings = (report: DiagnosisReport, at: Date) => {
    const { raised, cleared } = tracker.update(report.findings);
    for (const [state, list] of [["raised", raised], ["cleared", cleared]] as const) {
      for (const f of list) {
        changes.push({ at, state, finding: f });
        if (opts.store) {
          const store = opts.store;
          const data = { state, severity: f.severity, code: f.code, bottleneck: f.code.startsWith("BOTTLENECK") ? report.bottleneck : undefined };
          persist("diagnosis finding", () =>
            store.runs.appendEvent(handle.runId, { type: "diagnosis.finding", componentId: f.component ?? null, message: state === "cleared" ? `cleared: ${f.message}` : f.message, data, at }),
          );
        }
      }
    }
  };

  let pendingRollups = 0;
  let droppedRollups = 0;
  const flushRollup = (afterMs: number, untilMs: number) => {
    if (!opts.store) return;
    const points = rollupPoints(series, { afterMs, untilMs });
    if (points.length === 0) return;
    const store = opts.store;
    // Bounded: while the store is this far behind, newer buckets are dropped (counted and logged)
    // rather than queued without limit; counters stay counters, so rates across the gap still hold.
    if (pendingRollups >= MAX_PENDING_ROLLUPS) {
      if (droppedRollups++ === 0) logger.warn("metric rollups dropped: the store is behind", { runId: handle.runId, pending: pendingRollups });
      return;
    }
    pendingRollups++;
    persist("metric rollups", () => store.metrics.saveRollups(handle.runId, points).finally(() => pendingRollups--));
  };

  const roundListeners = new Set<(atMs: number) => void>();
  const onRound = async (_results: unknown, at: number) => {
    firstScrape ??= at;
    lastScrape = at;
    for (const l of roundListeners) l(at);
    nextRollup ??= Math.ceil(at / ROLLUP_RESOLUTION_MS) * ROLLUP_RESOLUTION_MS;
    while (at >= nextRollup) {
      flushRollup(nextRollup - ROLLUP_RESOLUTION_MS, nextRollup);
      nextRollup += ROLLUP_RESOLUTION_MS;
    }
    if (opts.fileSdPath) {
      const json = JSON.stringify(fileSdGroups(handle.topology()));
      if (json !== lastFileSd) {
        lastFileSd = json;
        const file = opts.fileSdPath;
        persist("file_sd targets", () => writeFileSd(file, fileSdGroups(handle.topology())));
      }
    }
    // Diagnose once a whole window of data exists (a partial window under-reads every rate, as
    // Prometheus' extrapolation only extends half a scrape interval), then every diagnoseEveryMs.
    // Components going down during the drain and shutdown are the run ending, not findings.
    if (handle.runningEndedAt === undefined && at - firstScrape >= windowMs && at - lastDiagnosis >= diagnoseEveryMs) {
      lastDiagnosis = at;
      const report = await diagnoseAt(at, windowMs);
      latest = report;
      recordFindings(report, new Date(at));
    }
  };

  const diagnoseAt = async (atMs: number, w: number): Promise<DiagnosisReport> => {
    const window = await collectMetricWindow(query, handle.topology(), { atMs, windowMs: w, signal });
    return diagnose(window, opts.diagnosis);
  };

  const running = loop.run(signal, onRound);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      internal.abort();
      await running;
      // The partial bucket since the last boundary (points carry their scrape times, so its increase
      // is not stretched over time that never happened).
      if (lastScrape !== undefined && nextRollup !== undefined && lastScrape > nextRollup - ROLLUP_RESOLUTION_MS) flushRollup(nextRollup - ROLLUP_RESOLUTION_MS, lastScrape);
      await writes;
      if (droppedRollups > 0) logger.warn("metric rollups dropped while the store was behind", { runId: handle.runId, buckets: droppedRollups });
    })());
  opts.signal.addEventListener("abort", () => void stop(), { once: true });

  return {
    series,
    query,
    loop,
    latest: () => latest,
    lastScrapeAt: () => lastScrape,
    onRound(listener) {
      roundListeners.add(listener);
      return () => roundListeners.delete(listener);
    },
    timeline: () => changes,
    diagnoseNow: ({ windowMs: w = windowMs, atMs } = {}) => diagnoseAt(atMs ?? lastScrape ?? Date.now(), w),
    stop,
  };
}
