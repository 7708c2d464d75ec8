"use client";
/**
 * One Server-Sent Events stream per open live run view (closed with the page): stats and diagnosis
 * go to the live store, lifecycle events to a bounded list, the end of the run to `onEnd`.
 */
import { useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import type { LiveMessage, RunEventItem, RunStatus } from "@/server/services/api-types";
import type { LiveStore } from "@/components/run-graph/live-store";

/** Events the view keeps in memory (older ones are in `/events`). */
const MAX_EVENTS = 300;

export type StreamState = "connecting" | "open" | "reconnecting" | "ended" | "off";

/** Connects while `enabled`; returns the connection state and the events received so far. */
export function useRunStream(runId: string, store: LiveStore, enabled: boolean, initialEvents: RunEventItem[], onEnd: (status: RunStatus) => void): { state: StreamState; events: RunEventItem[] } {
  const [state, setState] = useState<StreamState>(enabled ? "connecting" : "off");
  const [events, setEvents] = useState<RunEventItem[]>(initialEvents);
  // Read at the end, so a new callback never reconnects the stream.
  const endRef = useRef(onEnd);
  endRef.current = onEnd;
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(`/api/runs/${runId}/stream`);
    const parse = (e: MessageEvent<string>) => JSON.parse(e.data) as LiveMessage;
    source.onopen = () => setState("open");
    source.onerror = () => setState((s) => (s === "ended" ? s : "reconnecting"));
    source.addEventListener("stats", (e) => {
      const m = parse(e as MessageEvent<string>);
      if (m.type === "stats") {
        // Script time of one update: the overlays subscribe through useSyncExternalStore, so
        // flushSync renders and commits every one of them inside this call, and the measure is
        // that work alone (not the wait for the next task on a busy machine). `npm run
        // bench:console` reads these measures.
        const start = performance.now();
        flushSync(() => store.setStats(m.stats));
        performance.measure("flowctl:stats-update", { start, end: performance.now() });
      }
    });
    source.addEventListener("diagnosis", (e) => {
      const m = parse(e as MessageEvent<string>);
      if (m.type === "diagnosis") store.setReport(m.report);
    });
    source.addEventListener("event", (e) => {
      const m = parse(e as MessageEvent<string>);
      if (m.type === "event") setEvents((list) => [...list, m.event].slice(-MAX_EVENTS));
    });
    source.addEventListener("end", (e) => {
      const m = parse(e as MessageEvent<string>);
      source.close();
      setState("ended");
      if (m.type === "end") endRef.current(m.status);
    });
    return () => source.close();
  }, [runId, store, enabled]);
  return { state, events };
}
