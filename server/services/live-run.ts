/**
 * A run this console executes, as the browser sees it: one stats frame per scrape round (every
 * second, whoever is watching), a short history feeds the pipelines page's sparkline, and a
 * {@link Broadcast} fans stats, diagnosis changes and lifecycle events out to every open view.
 */
import type { ComponentRegistry } from "../control-plane/registry";
import type { Logger } from "../core/logger";
import type { DiagnosisReport } from "../diagnosis/diagnosis-types";
import type { EngineEvent, RunHandle } from "../engine/run-types";
import type { LiveMessage, LiveRunStats, RunEventItem, RunStatus } from "./api-types";
import { Broadcast, type Delivery } from "./broadcast";
import { collectLiveStats } from "./live-stats";
import type { LiveObservation } from "./live-run.service";
import type { FindingChange } from "../metrics/observe-run";

/** Sparkline length: a minute at one point per second. */
const HISTORY = 60;

/** Lifecycle of the live view of a run. */
export type LiveRunState = "live" | "ended";

export interface LiveRunOptions {
  handle: RunHandle;
  observation: LiveObservation;
  registry?: ComponentRegistry;
  logger: Logger;
}

/** See the module comment. */
export class LiveRun {
  readonly broadcast = new Broadcast<LiveMessage>();
  private state: LiveRunState = "live";
  private stats: LiveRunStats | undefined;
  private report: DiagnosisReport | undefined;
  private readonly history: number[] = [];
  private ticking = false;
  private findingsSent = 0;
  private readonly ticker = new AbortController();
  private readonly unsubscribe: Array<() => void>;

  constructor(private readonly opts: LiveRunOptions) {
    this.unsubscribe = [
      opts.handle.onEvent((e) => this.broadcast.publish({ type: "event", event: toEventItem(e) })),
      // One frame per scrape round, read at that round's time (the freshest complete data).
      opts.observation.observer.onRound((at) => void this.tick(at)),
    ];
  }

  get runId(): string {
    return this.opts.handle.runId;
  }

  /** The newest stats (undefined before the first second). */
  latestStats(): LiveRunStats | undefined {
    return this.stats;
  }

  latestReport(): DiagnosisReport | undefined {
    return this.report;
  }

  /** Events/s at the sinks over the last minute, oldest first. */
  sparkline(): number[] {
    return [...this.history];
  }

  /** Live messages until `signal` aborts or the run ends; starts with the current state. */
  subscribe(signal: AbortSignal): AsyncGenerator<Delivery<LiveMessage>> {
    const initial: LiveMessage[] = [];
    if (this.stats) initial.push({ type: "stats", stats: this.stats });
    initial.push({ type: "diagnosis", report: this.report ?? null });
    return this.broadcast.subscribe(signal, initial);
  }

  /** Stops the ticker and ends every reader with the run's terminal status. */
  end(status: RunStatus): void {
    if (this.state === "ended") return;
    this.state = "ended";
    this.ticker.abort();
    for (const u of this.unsubscribe) u();
    this.broadcast.publish({ type: "end", status });
    this.broadcast.close();
  }

  private async tick(at: number): Promise<void> {
    // A slow query never stacks frames: a round that finds one still computing is skipped.
    if (this.ticking || this.state !== "live") return;
    this.ticking = true;
    try {
      const { handle, observation } = this.opts;
      // At the round's time, not "now": a window ending after the newest sample under-reads
      // every rate, the more so the further scraping lags behind on a busy host.
      const stats = await collectLiveStats(handle, observation.observer.query, this.opts.registry, at, this.ticker.signal);
      if (this.state !== "live") return;
      this.stats = stats;
      this.history.push(stats.sinkRate ?? 0);
      if (this.history.length > HISTORY) this.history.shift();
      this.broadcast.publish({ type: "stats", stats }, "stats");
      const report = observation.observer.latest();
      if (report && report !== this.report) {
        this.report = report;
        this.broadcast.publish({ type: "diagnosis", report }, "diagnosis");
      }
      // Findings raised or cleared since the last frame, as the lifecycle events the store keeps.
      const timeline = observation.observer.timeline();
      for (const change of timeline.slice(this.findingsSent)) this.broadcast.publish({ type: "event", event: findingEvent(change) });
      this.findingsSent = timeline.length;
    } catch (err) {
      if (!this.ticker.signal.aborted) this.opts.logger.warn("live stats failed", { runId: this.runId, error: String(err) });
    } finally {
      this.ticking = false;
    }
  }
}

/** A finding change as the `diagnosis.finding` RunEvent the observer stores for it. */
function findingEvent(c: FindingChange): RunEventItem {
  const f = c.finding;
  return {
    at: c.at.toISOString(),
    type: "diagnosis.finding",
    componentId: f.component ?? null,
    message: c.state === "cleared" ? `cleared: ${f.message}` : f.message,
    data: { state: c.state, severity: f.severity, code: f.code },
  };
}

/** An engine event as the API shows it. */
export function toEventItem(e: EngineEvent): RunEventItem {
  return { at: e.at.toISOString(), type: e.type, componentId: e.componentId, message: e.message, data: e.data };
}
