/** The final report of a run: per-component counters, sink totals, and the form stored with the run. */
import type { RunMetricsSummary, RunStatus } from "../core/run";
import type { ComponentSummary, EdgeAccount, RunSummary } from "./run-types";

export interface SummaryInput {
  runId: string;
  pipeline: string;
  status: RunStatus;
  error: string | null;
  startedAt: Date;
  endedAt: Date;
  /** When the run reached RUNNING, and when events stopped moving (the drain ended, or it left RUNNING). */
  runningStartedAt: Date | undefined;
  runningEndedAt: Date | undefined;
  components: ComponentSummary[];
  edges: EdgeAccount[];
  logDir: string;
}

export function buildRunSummary(i: SummaryInput): RunSummary {
  const sinks = i.components.filter((c) => c.role === "sink");
  const eventsProcessed = sinks.reduce((a, c) => a + c.eventsIn, 0);
  const bytesProcessed = sinks.reduce((a, c) => a + c.bytesIn, 0);
  const durationMs = i.endedAt.getTime() - i.startedAt.getTime();
  // Events move from RUNNING until the drain ends: rates are over this span, not start-up and shutdown.
  const runningMs = i.runningStartedAt ? Math.max(0, (i.runningEndedAt ?? i.endedAt).getTime() - i.runningStartedAt.getTime()) : 0;
  return {
    runId: i.runId,
    pipeline: i.pipeline,
    status: i.status,
    error: i.error,
    startedAt: i.startedAt,
    endedAt: i.endedAt,
    durationMs,
    runningMs,
    eventsProcessed,
    eventsPerSecond: runningMs > 0 ? eventsProcessed / (runningMs / 1000) : 0,
    bytesProcessed,
    components: i.components,
    edges: i.edges,
    logDir: i.logDir,
  };
}

/** The metrics summary stored on the run record (per-component counters without the live-only fields). */
export function storedRunMetrics(s: RunSummary): RunMetricsSummary {
  const components = Object.fromEntries(
    s.components.map((c) => {
      const { id: _id, role: _role, instances: _instances, queueDepth: _queueDepth, queuePeakDepth: _queuePeakDepth, filtered: _filtered, ...metrics } = c;
      return [c.id, metrics];
    }),
  );
  return { eventsProcessed: s.eventsProcessed, eventsPerSecond: s.eventsPerSecond, bytesProcessed: s.bytesProcessed, components, edges: s.edges };
}
