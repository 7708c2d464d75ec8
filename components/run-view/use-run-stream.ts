"use client";
/**
 * One Server-Sent Events stream per open live run view (closed with the page): stats and diagnosis
 * go to the live store, lifecycle events to a bounded list, the end of the run to `onEnd`.
 */
import { useEffect, useRef, useState } from "react";
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
        // Script time of one update (React's render and commit of every overlay, flushed before the
        // next task): the e2e test reads these measures.
        performance.mark("flowctl:stats-start");
        store.setStats(m.stats);
        setTimeout(() => performance.measure("flowctl:stats-update", "flowctl:stats-start"), 0);
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
