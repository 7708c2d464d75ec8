"use client";
/** Tails one component's log (polled while the run is live), with search (next/previous) and follow. */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { apiGet } from "@/components/api/api-client";
import { Button, Card } from "@/components/ui/ui";
import type { LogLineItem } from "@/server/services/api-types";
import { logLevelOf, matchingLines, stepMatch } from "./log-search";
import styles from "./run-view.module.css";

export function LogPanel({ runId, components, selected, onSelect, live }: { runId: string; components: string[]; selected: string; onSelect: (id: string) => void; live: boolean }) {
  const [query, setQuery] = useState("");
  const [current, setCurrent] = useState(-1);
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLDivElement>(null);
  const q = useQuery({
    queryKey: ["logs", runId, selected],
    queryFn: ({ signal }) => apiGet<LogLineItem[]>(`/api/runs/${runId}/logs/${encodeURIComponent(selected)}?tail=500`, signal),
    refetchInterval: live && follow ? 1_000 : false,
  });
  const lines = useMemo(() => q.data ?? [], [q.data]);
  const matches = useMemo(() => matchingLines(lines.map((l) => l.line), query), [lines, query]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  const at = current >= 0 && current < matches.length ? matches[current]! : -1;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    if (at >= 0) el.querySelector(`[data-line="${at}"]`)?.scrollIntoView({ block: "center" });
    else if (follow) el.scrollTop = el.scrollHeight;
  }, [lines, at, follow]);

  const go = (dir: 1 | -1) => {
    setFollow(false);
    setCurrent(stepMatch(matches, current, dir));
  };
  return (
    <Card title="Logs">
      <div className={styles.logs} data-testid="log-panel">
        <div className={styles.logBar}>
          <select value={selected} onChange={(e) => onSelect(e.target.value)} aria-label="Component whose log to show">
            {components.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
          <input
            type="search"
            placeholder="Search the log…"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setCurrent(-1);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter") go(e.shiftKey ? -1 : 1);
            }}
            aria-label="Search the log"
          />
          <span className="muted" style={{ fontSize: 12, minWidth: 60 }} data-testid="log-matches">
            {query ? `${matches.length === 0 ? 0 : current + 1 || 0}/${matches.length}` : ""}
          </span>
          <Button size="small" onClick={() => go(-1)} disabled={matches.length === 0} aria-label="Previous match">
            ↑
          </Button>
          <Button size="small" onClick={() => go(1)} disabled={matches.length === 0} aria-label="Next match">
            ↓
          </Button>
          <label style={{ fontSize: 12.5, display: "inline-flex", gap: 4, alignItems: "center" }}>
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
          </label>
        </div>
        <div ref={box} className={styles.logBox} data-testid="log-lines" role="log" aria-live="off">
          {q.isError ? <span className={styles.logError}>{(q.error as Error).message}</span> : lines.length === 0 ? <span className="muted">{q.isLoading ? "Loading…" : "No output yet."}</span> : null}
          {lines.map((l, i) => (
            <span key={i} data-line={i} className={`${styles.logLine} ${levelClass(l.line)} ${i === at ? styles.current : matchSet.has(i) ? styles.match : ""}`}>
              {l.line}
            </span>
          ))}
        </div>
      </div>
    </Card>
  );
}

function levelClass(line: string): string {
  const level = logLevelOf(line);
  return level === "error" ? styles.logError! : level === "warn" ? styles.logWarn! : "";
}
