"use client";
/** The findings timeline: every finding raised and cleared, newest first, up to the scrubber's moment. */
import { formatClock } from "@/components/ui/format";
import { Card, EmptyState } from "@/components/ui/ui";
import type { RunEventItem } from "@/server/services/api-types";
import styles from "./run-view.module.css";

export function FindingsList({ events, until }: { events: readonly RunEventItem[]; until?: number }) {
  const findings = events.filter((e) => e.type === "diagnosis.finding" && (until === undefined || Date.parse(e.at) <= until)).reverse();
  return (
    <Card title="Findings">
      {findings.length === 0 ? (
        <EmptyState title="No findings yet" />
      ) : (
        <ol className={styles.findings} data-testid="findings">
          {findings.map((f, i) => {
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
