/**
 * A recorded run at one moment, for the console's time scrubber: the window ending at that moment
 * read from the stored 10 s rollups (rates, latencies, queues), its diagnosis, and the findings that
 * were active then. Works for finished runs and for runs another process executes.
 */
import type { RunRecord } from "../core/run";
import { diagnose } from "../diagnosis/diagnose";
import type { RunTopology } from "../engine/run-types";
import { collectMetricWindow } from "../metrics/collect-window";
import { createMetricsQuery } from "../metrics/query/index";
import { loadRollups } from "../metrics/rollups";
import { SeriesStore } from "../metrics/series-store";
import type { Store } from "../storage/store";
import type { RunEventItem, RunMoment } from "./api-types";
import { toLiveStats } from "./live-stats";
import { rollupWindow, storedTopology } from "./run-diagnosis.service";
import { activeFindings, toRunEventItem } from "./run-views";

/** Window of a moment: the diagnosis' own, widened to hold two rollups. */
const MOMENT_WINDOW_MS = 10_000;

/** See the module comment. `atMs` is clamped to the stored data. */
export async function momentOfRun(store: Store, run: RunRecord, atMs: number): Promise<RunMoment> {
  const [points, events] = await Promise.all([store.metrics.listRollups(run.runId), store.runs.listEvents(run.runId)]);
  const findings = activeFindings(events.map(toRunEventItem), (e) => Date.parse(e.at) <= atMs);
  if (points.length === 0) return { at: atMs, stats: null, report: null, findings };
  const series = new SeriesStore({ capacity: Math.max(3600, points.length) });
  loadRollups(series, points);
  const times = points.map((p) => p.t.getTime());
  const first = Math.min(...times);
  const at = Math.max(first, Math.min(atMs, Math.max(...times)));
  const window = await collectMetricWindow(createMetricsQuery({ store: series }), storedTopology(run), { atMs: at, windowMs: rollupWindow(MOMENT_WINDOW_MS, at, first) });
  const topology = momentTopology(run, events.map(toRunEventItem), at);
  const stats = toLiveStats({
    runId: run.runId,
    at,
    state: "recorded",
    topology,
    counters: [],
    window,
    instanceRates: new Map(),
    instanceBusy: new Map(),
    health: new Map(),
  });
  return { at, stats, report: diagnose(window), findings };
}

/** The run's components with the restarts recorded up to `atMs` (process state is not stored). */
function momentTopology(run: RunRecord, events: readonly RunEventItem[], atMs: number): RunTopology {
  const t = storedTopology(run);
  const restarts = new Map<string, number>();
  for (const e of events) {
    if (e.type === "component.restarted" && e.componentId && Date.parse(e.at) <= atMs) restarts.set(e.componentId, (restarts.get(e.componentId) ?? 0) + 1);
  }
  return {
    pipeline: t.pipeline,
    runId: run.runId,
    controlPlaneEndpoint: undefined,
    components: t.components.map((c) => {
      const n = c.replicas ?? 1;
      const ids = n > 1 ? Array.from({ length: n }, (_, i) => `${c.id}-${i}`) : [c.id];
      return {
        id: c.id,
        role: c.role,
        replicas: n,
        ...(c.settings ? { settings: { batch: c.settings.batch, queueCapacity: c.settings.queueCapacity ?? 1000 } } : {}),
        instances: ids.map((instanceId) => ({ instanceId, pid: undefined, endpoint: undefined, metricsPort: undefined, status: "recorded", restarts: restarts.get(instanceId) ?? 0, wire: undefined, logFile: undefined })),
      };
    }),
    edges: t.edges.map((e) => ({ from: e.from, to: e.to, capacity: e.capacity ?? 0, policy: "block" as const })),
  };
}
