"use client";
/**
 * Findings: those active at the moment shown (the live diagnosis, or the scrubber's), then the
 * timeline of every finding raised and cleared, newest first, up to that moment.
 */
import { useLiveReport, type LiveStore } from "@/components/run-graph/live-store";
import { formatClock } from "@/components/ui/format";
import { Card, EmptyState } from "@/components/ui/ui";
import type { RunEventItem } from "@/server/services/api-types";
import styles from "./run-view.module.css";

export function FindingsList({ store, events, until }: { store: LiveStore; events: readonly RunEventItem[]; until?: number }) {
  const report = useLiveReport(store);
  const active = (report?.findings ?? []).filter((f) => f.code !== "KEEPS_UP");
  const history = events.filter((e) => e.type === "diagnosis.finding" && (until === undefined || Date.parse(e.at) <= until)).reverse();
  return (
    <Card title="Findings">
      {active.length > 0 && (
        <ul className={styles.findings} data-testid="active-findings" style={{ marginBottom: 10 }}>
          {active.map((f) => (
            <li key={`${f.code}-${f.component ?? ""}`} style={{ gridTemplateColumns: "1fr" }}>
              <span>
                <span className={`${styles.sev} ${styles[f.severity] ?? ""}`}>{f.severity}</span>
                {f.message}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>Timeline</h3>
      {history.length === 0 ? (
        <EmptyState title="No findings yet" />
      ) : (
        <ol className={styles.findings} data-testid="findings">
          {history.map((f, i) => {
            const cleared = f.data?.state === "cleared";
            const severity = String(f.data?.severity ?? "info");
            return (
              <li key={`${f.at}-${i}`}>
                <span className={styles.time}>{formatClock(f.at)}</span>
                <span className={cleared ? styles.cleared : undefined}>
                  <span className={`${styles.sev} ${styles[severity] ?? ""}`}>{cleared ? "cleared" : severity}</span>
                  {f.message.replace(/^cleared: /, "")}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}
