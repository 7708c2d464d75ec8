/**
 * What the console's Prometheus API reads: the engine's process-wide series (scraped once, here),
 * each live run's component and edge series stamped with its `run_id` (edges only there), and —
 * when a query names a run by `run_id="…"` — that run's stored 10 s rollups, loaded on demand and
 * cached.
 */
import type { Logger } from "../core/logger";
import { TERMINAL_RUN_STATUSES } from "../core/run";
import type { EngineMetrics } from "../metrics/engine-metrics";
import { CompositeSeriesSource, type SeriesSource, type SourceMember } from "../metrics/promql/index";
import { processWide } from "../metrics/exposition-filter";
import { loadRollups } from "../metrics/rollups";
import { ScrapeLoop } from "../metrics/scrape-loop";
import { SeriesStore, type Labels, type Matchers, type SeriesView } from "../metrics/series-store";
import type { Store } from "../storage/store";

/** Finished runs kept loaded for the explorer and the run pages. */
const CACHED_RUNS = 8;
/** A run still recording elsewhere is re-read after this long. */
const LIVE_ROLLUP_TTL_MS = 10_000;

/** A live run's series as the API shows them. */
export interface LiveRunSeries {
  runId: string;
  pipeline: string;
  store: SeriesStore;
}

export interface PrometheusSourceOptions {
  metrics: EngineMetrics;
  store: Store;
  liveRuns: () => LiveRunSeries[];
  logger: Logger;
}

/** See the module comment. */
export class PrometheusSource {
  private readonly engine = new SeriesStore({ capacity: 3600 });
  private readonly loop: ScrapeLoop;
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private readonly cache = new Map<string, { store: SeriesStore; loadedAt: number; final: boolean }>();

  constructor(private readonly opts: PrometheusSourceOptions) {
    this.loop = new ScrapeLoop({
      store: this.engine,
      intervalMs: 1000,
      logger: opts.logger,
      targets: () => [],
      local: () => [{ job: "flowctl-engine", instance: "engine", collect: async () => processWide(await opts.metrics.exposition()) }],
    });
  }

  /** Starts scraping the engine's own registry every second. */
  start(): void {
    this.running ??= this.loop.run(this.stopping.signal);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /**
   * The source for one API call: the engine, the live runs, the runs `query` names, and the most
   * recent recorded runs that overlap [fromMs, toMs] (so the explorer still answers after runs end).
   */
  async sourceFor(query: string, fromMs: number, toMs: number): Promise<SeriesSource> {
    const live = this.opts.liveRuns();
    const liveIds = new Set(live.map((r) => r.runId));
    const members: SourceMember[] = [{ source: this.engine }];
    for (const r of live) members.push({ source: runSeriesOnly(r.store, r.pipeline), labels: { run_id: r.runId } });
    const named = runIdsIn(query);
    const recent = named.length > 0 ? [] : await this.recentRuns(fromMs, toMs, liveIds);
    for (const runId of [...named, ...recent]) {
      if (liveIds.has(runId)) continue;
      const recorded = await this.recorded(runId);
      if (recorded) members.push({ source: recorded, labels: { run_id: runId } });
    }
    return new CompositeSeriesSource(members);
  }

  /** Recorded (not live) runs overlapping the range, newest first, at most {@link CACHED_RUNS}. */
  private async recentRuns(fromMs: number, toMs: number, live: ReadonlySet<string>): Promise<string[]> {
    const runs = await this.opts.store.runs.list({ limit: 50 });
    return runs
      .filter((r) => !live.has(r.runId) && r.startedAt.getTime() <= toMs && (r.endedAt?.getTime() ?? toMs) >= fromMs)
      .slice(0, CACHED_RUNS)
      .map((r) => r.runId);
  }

  private async recorded(runId: string): Promise<SeriesStore | undefined> {
    const hit = this.cache.get(runId);
    if (hit && (hit.final || Date.now() - hit.loadedAt < LIVE_ROLLUP_TTL_MS)) {
      // Most recently used last.
      this.cache.delete(runId);
      this.cache.set(runId, hit);
      return hit.store;
    }
    const run = await this.opts.store.runs.get(runId);
    if (!run) return undefined;
    const points = await this.opts.store.metrics.listRollups(runId);
    const store = new SeriesStore({ capacity: Math.max(3600, points.length) });
    loadRollups(store, points);
    this.cache.set(runId, { store, loadedAt: Date.now(), final: TERMINAL_RUN_STATUSES.has(run.status) });
    while (this.cache.size > CACHED_RUNS) this.cache.delete(this.cache.keys().next().value!);
    return store;
  }
}

/** Run ids a PromQL query (or series selector) names with `run_id="…"`. */
export function runIdsIn(query: string): string[] {
  return [...new Set([...query.matchAll(/run_id\s*=\s*"([0-9a-fA-F-]{8,64})"/g)].map((m) => m[1]!))];
}

/**
 * A live run's store without the engine-wide series it scraped along (process, host, registry
 * gauges): those are served once, from the engine's own scrape.
 */
function runSeriesOnly(store: SeriesStore, pipeline: string): SeriesSource {
  const keep = (l: Labels) => l.job !== "flowctl-engine" || l.pipeline === pipeline;
  return {
    select: (name: string, matchers?: Matchers): SeriesView[] => store.select(name, matchers).filter((v) => keep(v.labels)),
    names: () => store.names(),
  };
}
