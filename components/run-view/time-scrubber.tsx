"use client";
/**
 * The time scrubber of a recorded run: dragging it sets the graph's overlays, the bottleneck
 * highlight, the diagnosis and the findings to that moment, read back from the stored rollups.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { apiGet } from "@/components/api/api-client";
import type { LiveStore } from "@/components/run-graph/live-store";
import { formatClock, formatDuration } from "@/components/ui/format";
import type { RunMoment } from "@/server/services/api-types";
import styles from "./run-view.module.css";

/** Rollups are 10 s apart: the scrubber moves in their steps. */
const STEP_MS = 10_000;

export function TimeScrubber({ runId, store, startMs, endMs, onMoment }: { runId: string; store: LiveStore; startMs: number; endMs: number; onMoment: (atMs: number) => void }) {
  const [at, setAt] = useState(endMs);
  const [settled, setSettled] = useState(endMs);
  // Fetch once the thumb rests (every drag step would be a request).
  useEffect(() => {
    const t = setTimeout(() => setSettled(at), 150);
    return () => clearTimeout(t);
  }, [at]);
  const moment = useQuery({
    queryKey: ["moment", runId, settled],
    queryFn: ({ signal }) => apiGet<RunMoment>(`/api/runs/${runId}/moment?at=${Math.round(settled)}`, signal),
    placeholderData: (prev) => prev,
  });
  useEffect(() => {
    if (!moment.data) return;
    store.setStats(moment.data.stats);
    store.setReport(moment.data.report);
    onMoment(moment.data.at);
  }, [moment.data, store, onMoment]);
  return (
    <div className={styles.scrubber} data-testid="time-scrubber">
      <span className="muted" style={{ fontSize: 12 }}>
        {formatClock(startMs)}
      </span>
      <input
        type="range"
        min={startMs}
        max={endMs}
        step={STEP_MS}
        value={at}
        onChange={(e) => setAt(Number(e.target.value))}
        aria-label="Moment of the run shown"
        aria-valuetext={formatClock(at)}
      />
      <span className="muted" style={{ fontSize: 12 }}>
        {formatClock(endMs)}
      </span>
      <span className={styles.scrubTime} data-testid="scrub-time">
        {formatClock(at)} · +{formatDuration(at - startMs)} {moment.isFetching ? "…" : ""}
      </span>
    </div>
  );
}
