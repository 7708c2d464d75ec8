/** Stored runs and events as the API shows them (dates as ISO strings, verdicts in one phrase). */
import type { RunEventRecord, RunRecord } from "../core/run";
import type { Bottleneck } from "../diagnosis/diagnosis-types";
import type { ComponentTotals, RunEventItem, RunListItem } from "./api-types";

export function toRunEventItem(e: RunEventRecord): RunEventItem {
  return { at: e.at.toISOString(), type: e.type, componentId: e.componentId, message: e.message, data: e.data };
}

/** Where a bottleneck is: `edge a → b`, `host (2 cores, 2.0 busy)` or the component's id. */
export function bottleneckLocation(b: Bottleneck): string {
  if (b.kind === "host") return `host (${b.cpus ?? "?"} cores, ${b.busyCores?.toFixed(1) ?? "?"} busy)`;
  return b.kind === "edge" && b.edge ? `edge ${b.edge.from} → ${b.edge.to}` : (b.component ?? "unknown component");
}

/** The bottleneck in one phrase, as the runs table says it. */
export function describeBottleneck(b: Bottleneck | null | undefined): string {
  return b ? `bottleneck: ${bottleneckLocation(b)}` : "keeps up";
}

/** A recorded event with what finding replay reads. */
interface FindingEventLike {
  type: string;
  componentId: string | null;
  data: Record<string, unknown> | null;
}

/**
 * Replays `diagnosis.finding` events (raised / cleared, in order) and returns those still raised at
 * the end; `include` limits the replay (e.g. to events up to a moment).
 */
export function activeFindings<E extends FindingEventLike>(events: readonly E[], include: (e: E) => boolean = () => true): E[] {
  const active = new Map<string, E>();
  for (const e of events) {
    if (e.type !== "diagnosis.finding" || !include(e)) continue;
    const key = `${String(e.data?.code)}|${e.componentId ?? ""}`;
    if (e.data?.state === "cleared") active.delete(key);
    else active.set(key, e);
  }
  return [...active.values()];
}

/**
 * The verdict recorded with a run: its stored diagnosis when there is one, else the findings it
 * raised and did not clear; null when it was never diagnosed.
 */
export function verdictOf(diagnosis: Record<string, unknown> | null, events: readonly FindingEventLike[]): string | null {
  if (diagnosis && "bottleneck" in diagnosis) return describeBottleneck(diagnosis.bottleneck as Bottleneck | null);
  const b = activeFindings(events).find((e) => String(e.data?.code ?? "").startsWith("BOTTLENECK"));
  if (b) return describeBottleneck(b.data?.bottleneck as Bottleneck | undefined);
  return events.some((e) => e.type === "diagnosis.finding") ? "keeps up" : null;
}

export function toRunListItem(r: RunRecord, extra: { owned: boolean; version: number | null; verdict: string | null; now?: Date }): RunListItem {
  const end = r.endedAt ?? extra.now ?? new Date();
  return {
    runId: r.runId,
    pipelineName: r.pipelineName,
    pipelineVersionId: r.pipelineVersionId,
    version: extra.version,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
    durationMs: Math.max(0, end.getTime() - r.startedAt.getTime()),
    eventsProcessed: r.metrics?.eventsProcessed ?? 0,
    eventsPerSecond: r.metrics?.eventsPerSecond ?? 0,
    error: r.error,
    owned: extra.owned,
    verdict: extra.verdict,
  };
}

/** The stored per-component account of a finished run. */
export function storedTotals(r: RunRecord): ComponentTotals[] {
  return Object.entries(r.metrics?.components ?? {}).map(([id, m]) => ({
    id,
    eventsIn: m.eventsIn,
    eventsOut: m.eventsOut,
    errors: m.errors,
    restarts: m.restarts,
    dropped: m.dropped,
    lost: m.lost,
  }));
}
