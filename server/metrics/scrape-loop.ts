/**
 * Pulls every target's `/metrics` (and in-process registries such as the engine's) on an interval,
 * in parallel, each with its own timeout, into a {@link SeriesStore}. A failed scrape is data, not an
 * exception: it records `up = 0` and the error, so components that restart or vanish never stop the
 * loop. Foreign components without `/metrics` still get heartbeat series from the registry.
 */
import { setTimeout as delay } from "node:timers/promises";
import { IllegalStateError, InvalidArgumentError, toFlowError } from "../core/errors";
import type { Logger } from "../core/logger";
import { ExpositionReader, type ReadSample } from "./exposition-reader";
import { getText } from "./http-text";
import type { Labels, SeriesStore } from "./series-store";

/** An HTTP `/metrics` endpoint. `job` and `instance` become labels on every sample (as in Prometheus). */
export interface ScrapeTarget {
  job: string;
  instance: string;
  url: string;
  /** Extra target labels (pipeline, component…). */
  labels?: Labels;
}

/** An in-process registry (e.g. prom-client's `registry.metrics()`), scraped without HTTP. */
export interface LocalTarget {
  job: string;
  instance: string;
  labels?: Labels;
  collect(): Promise<string> | string;
}

/** What the control-plane registry knows about a component between heartbeats. */
export interface HeartbeatSnapshot {
  componentId: string;
  healthy: boolean;
  lastHeartbeatMs: number;
  /** Heartbeat metric map (strings); numeric values become series. */
  metrics: Readonly<Record<string, string>>;
}

export interface ScrapeLoopOptions {
  store: SeriesStore;
  /** Current HTTP targets; called every tick so restarts and new replicas are picked up. */
  targets: () => readonly ScrapeTarget[];
  local?: () => readonly LocalTarget[];
  heartbeats?: () => readonly HeartbeatSnapshot[];
  /** @default 1000 */
  intervalMs?: number;
  /** Per-target timeout. @default 80 % of intervalMs */
  timeoutMs?: number;
  /** Largest accepted exposition body. @default 8 MiB */
  maxBodyBytes?: number;
  logger?: Logger;
  /** Clock, for tests. */
  now?: () => number;
}

export interface ScrapeResult {
  job: string;
  instance: string;
  up: boolean;
  samples: number;
  durationMs: number;
  error?: string;
}

export type ScrapeLoopState = "idle" | "running" | "stopped";

/** See the module comment. */
export class ScrapeLoop {
  private stateValue: ScrapeLoopState = "idle";
  readonly intervalMs: number;
  readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly now: () => number;
  private readonly lastErrors = new Map<string, string>();
  private ticks = 0;
  /** One incremental reader per target (`job/instance`), dropped when the target goes away. */
  private readers = new Map<string, ExpositionReader>();

  constructor(private readonly opts: ScrapeLoopOptions) {
    this.intervalMs = opts.intervalMs ?? 1000;
    if (!(this.intervalMs >= 10)) throw new InvalidArgumentError("intervalMs", `must be ≥ 10, got ${this.intervalMs}`);
    this.timeoutMs = opts.timeoutMs ?? Math.max(10, Math.floor(this.intervalMs * 0.8));
    this.maxBodyBytes = opts.maxBodyBytes ?? 8 * 1024 * 1024;
    this.now = opts.now ?? Date.now;
  }

  get state(): ScrapeLoopState {
    return this.stateValue;
  }

  /** Completed scrape rounds. */
  get rounds(): number {
    return this.ticks;
  }

  getDebugState(): { state: ScrapeLoopState; rounds: number; lastErrors: Record<string, string> } {
    return { state: this.stateValue, rounds: this.ticks, lastErrors: Object.fromEntries(this.lastErrors) };
  }

  /**
   * Scrapes every `intervalMs` until `signal` aborts. Resolves when stopped; never rejects because a
   * target failed. `onRound` sees each round's results (observeRun uses it to run diagnosis).
   */
  async run(signal: AbortSignal, onRound?: (results: ScrapeResult[], atMs: number) => void | Promise<void>): Promise<void> {
    if (this.stateValue !== "idle") throw new IllegalStateError(this.stateValue, "running", "scrape loop transition");
    this.stateValue = "running";
    try {
      while (!signal.aborted) {
        const started = this.now();
        const results = await this.scrapeOnce(signal);
        if (signal.aborted) break;
        if (onRound) {
          try {
            await onRound(results, started);
          } catch (err) {
            this.opts.logger?.warn("scrape round handler failed", { error: toFlowError(err).message });
          }
        }
        const wait = Math.max(0, this.intervalMs - (this.now() - started));
        try {
          await delay(wait, undefined, { signal });
        } catch (err) {
          if ((err as Error).name !== "AbortError") throw err;
        }
      }
    } finally {
      this.stateValue = "stopped";
    }
  }

  /** One round: every target in parallel, results (up or not) appended to the store. */
  async scrapeOnce(signal?: AbortSignal): Promise<ScrapeResult[]> {
    const at = this.now();
    const targets = this.opts.targets();
    const locals = this.opts.local?.() ?? [];
    this.pruneReaders([...targets, ...locals]);
    const http = targets.map((t) => this.scrapeHttp(t, at, signal));
    const local = locals.map((t) => this.scrapeLocal(t, at));
    const results = await Promise.all([...http, ...local]);
    this.recordHeartbeats(at);
    this.ticks++;
    return results;
  }

  private async scrapeHttp(t: ScrapeTarget, at: number, signal?: AbortSignal): Promise<ScrapeResult> {
    const started = performance.now();
    const timeout = scrapeTimeout(this.timeoutMs);
    try {
      const text = await getText(t.url, {
        headers: { accept: "text/plain;version=0.0.4" },
        signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
        maxBytes: this.maxBodyBytes,
      });
      return this.ingest(t, this.reader(t).read(text), at, started);
    } catch (err) {
      const msg = timeout.signal.aborted ? `timeout after ${this.timeoutMs} ms` : toFlowError(err).message;
      return this.fail(t, at, started, msg);
    } finally {
      timeout.clear();
    }
  }

  private async scrapeLocal(t: LocalTarget, at: number): Promise<ScrapeResult> {
    const started = performance.now();
    try {
      return this.ingest(t, this.reader(t).read(await t.collect()), at, started);
    } catch (err) {
      return this.fail(t, at, started, toFlowError(err).message);
    }
  }

  private reader(t: ScrapeTarget | LocalTarget): ExpositionReader {
    const key = `${t.job}/${t.instance}`;
    let r = this.readers.get(key);
    if (!r) this.readers.set(key, (r = new ExpositionReader(this.targetLabels(t))));
    return r;
  }

  private pruneReaders(current: ReadonlyArray<ScrapeTarget | LocalTarget>): void {
    if (this.readers.size <= current.length) return;
    const live = new Set(current.map((t) => `${t.job}/${t.instance}`));
    for (const key of this.readers.keys()) if (!live.has(key)) this.readers.delete(key);
  }

  private targetLabels(t: { job: string; instance: string; labels?: Labels }): Labels {
    return { ...t.labels, job: t.job, instance: t.instance };
  }

  private ingest(t: ScrapeTarget | LocalTarget, samples: ReadSample[], at: number, started: number): ScrapeResult {
    const tl = this.targetLabels(t);
    for (const s of samples) this.opts.store.appendKeyed(s.key, s.name, s.labels, at, s.value);
    const durationMs = performance.now() - started;
    this.opts.store.append("up", tl, at, 1);
    this.opts.store.append("scrape_duration_seconds", tl, at, durationMs / 1000);
    this.opts.store.append("scrape_samples_scraped", tl, at, samples.length);
    this.lastErrors.delete(`${t.job}/${t.instance}`);
    return { job: t.job, instance: t.instance, up: true, samples: samples.length, durationMs };
  }

  private fail(t: ScrapeTarget | LocalTarget, at: number, started: number, error: string): ScrapeResult {
    const tl = this.targetLabels(t);
    const durationMs = performance.now() - started;
    this.opts.store.append("up", tl, at, 0);
    this.opts.store.append("scrape_duration_seconds", tl, at, durationMs / 1000);
    const key = `${t.job}/${t.instance}`;
    if (this.lastErrors.get(key) !== error) this.opts.logger?.debug("scrape failed", { target: key, error });
    this.lastErrors.set(key, error);
    return { job: t.job, instance: t.instance, up: false, samples: 0, durationMs, error };
  }

  private recordHeartbeats(at: number): void {
    for (const h of this.opts.heartbeats?.() ?? []) {
      const labels = { component_id: h.componentId };
      this.opts.store.append("flowctl_component_heartbeat_healthy", labels, at, h.healthy ? 1 : 0);
      this.opts.store.append("flowctl_component_heartbeat_age_seconds", labels, at, Math.max(0, (at - h.lastHeartbeatMs) / 1000));
      for (const [key, raw] of Object.entries(h.metrics)) {
        const v = Number(raw);
        if (raw.trim() !== "" && Number.isFinite(v)) this.opts.store.append("flowctl_component_heartbeat_metric", { ...labels, key }, at, v);
      }
    }
  }
}

/**
 * A per-target timeout that measures the target, not this process: when its timer fires late
 * because our own event loop was blocked (GC, a burst of work), the answer may already be waiting
 * in the socket, so it waits once more instead of reporting every target of the round as down.
 */
export function scrapeTimeout(ms: number): { signal: AbortSignal; clear(): void } {
  const ac = new AbortController();
  let due = performance.now() + ms;
  let extended = false;
  const fire = () => {
    const now = performance.now();
    if (!extended && now - due > ms / 2) {
      extended = true;
      due = now + ms;
      timer = setTimeout(fire, ms);
      return;
    }
    ac.abort(new DOMException(`timeout after ${ms} ms`, "TimeoutError"));
  };
  let timer = setTimeout(fire, ms);
  return { signal: ac.signal, clear: () => clearTimeout(timer) };
}
