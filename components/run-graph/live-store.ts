/**
 * The live numbers of one run view, outside React Flow's node data: each node and edge subscribes
 * by id, so a stats frame re-renders only the overlays (and their selectors return the same object
 * when nothing about that element changed), never the canvas.
 */
import { useSyncExternalStore } from "react";
import type { DiagnosisReport, LiveComponentStats, LiveEdgeStats, LiveRunStats } from "@/server/services/api-types";

export type Listener = () => void;

/** What is highlighted as the bottleneck. */
export type BottleneckTarget = { kind: "component"; id: string } | { kind: "edge"; from: string; to: string } | null;

export interface LiveStore {
  setStats(stats: LiveRunStats | null): void;
  setReport(report: DiagnosisReport | null): void;
  stats(): LiveRunStats | null;
  report(): DiagnosisReport | null;
  component(id: string): LiveComponentStats | undefined;
  edge(from: string, to: string): LiveEdgeStats | undefined;
  bottleneck(): BottleneckTarget;
  subscribe(listener: Listener): () => void;
}

const edgeKey = (from: string, to: string) => `${from}\u0000${to}`;

/** A new, empty store (one per run view). */
export function createLiveStore(): LiveStore {
  let stats: LiveRunStats | null = null;
  let report: DiagnosisReport | null = null;
  let components = new Map<string, LiveComponentStats>();
  let edges = new Map<string, LiveEdgeStats>();
  let bottleneck: BottleneckTarget = null;
  const listeners = new Set<Listener>();
  const emit = () => {
    for (const l of listeners) l();
  };
  return {
    setStats(next) {
      stats = next;
      components = new Map(next?.components.map((c) => [c.id, c]) ?? []);
      edges = new Map(next?.edges.map((e) => [edgeKey(e.from, e.to), e]) ?? []);
      emit();
    },
    setReport(next) {
      report = next;
      const b = next?.bottleneck ?? null;
      const target: BottleneckTarget = !b ? null : b.kind === "edge" && b.edge ? { kind: "edge", from: b.edge.from, to: b.edge.to } : b.component ? { kind: "component", id: b.component } : null;
      // Keep the same object when unchanged so subscribers do not re-render.
      if (JSON.stringify(target) !== JSON.stringify(bottleneck)) bottleneck = target;
      emit();
    },
    stats: () => stats,
    report: () => report,
    component: (id) => components.get(id),
    edge: (from, to) => edges.get(edgeKey(from, to)),
    bottleneck: () => bottleneck,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const noStats = () => undefined;

/** The live stats of one component (re-renders when its frame changes). */
export function useLiveComponent(store: LiveStore | null, id: string): LiveComponentStats | undefined {
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store ? () => store.component(id) : noStats, noStats);
}

/** The live stats of one edge. */
export function useLiveEdge(store: LiveStore | null, from: string, to: string): LiveEdgeStats | undefined {
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store ? () => store.edge(from, to) : noStats, noStats);
}

/** The current bottleneck target. */
export function useBottleneck(store: LiveStore | null): BottleneckTarget {
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store ? store.bottleneck : noNull, noNull);
}

/**
 * The engine's state of the run (`starting`, `running`, `draining`…): a string, so the view that
 * reads it re-renders when the state changes, not on every frame.
 */
export function useLiveRunState(store: LiveStore | null): string | null {
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store ? () => store.stats()?.state ?? null : noNull, noNull);
}

/** The whole latest frame (panels that show every component). */
export function useLiveStats(store: LiveStore | null): LiveRunStats | null {
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store ? store.stats : noNull, noNull);
}

export function useLiveReport(store: LiveStore | null): DiagnosisReport | null {
  return useSyncExternalStore(store?.subscribe ?? noSubscribe, store ? store.report : noNull, noNull);
}

function noSubscribe(): () => void {
  return () => undefined;
}

function noNull(): null {
  return null;
}
