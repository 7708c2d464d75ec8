"use client";
/** The diagnosis of the moment: verdict, evidence, recommendations (replica estimates among them). */
import { useLiveReport, type LiveStore } from "@/components/run-graph/live-store";
import { Card, EmptyState } from "@/components/ui/ui";
import styles from "./run-view.module.css";

export function BottleneckPanel({ store, live }: { store: LiveStore; live: boolean }) {
  const report = useLiveReport(store);
  if (!report) {
    return (
      <Card title="Bottleneck">
        <EmptyState title={live ? "Collecting a first window" : "Not diagnosed"}>{live ? "The first diagnosis comes once 10 s of metrics exist." : "No metrics were stored for this moment."}</EmptyState>
      </Card>
    );
  }
  const b = report.bottleneck;
  return (
    <Card title="Bottleneck">
      <div data-testid="bottleneck-panel" data-bottleneck={b ? (b.kind === "edge" && b.edge ? `${b.edge.from}->${b.edge.to}` : (b.component ?? "")) : "none"}>
        {b ? (
          <>
            <div className={`${styles.verdict} ${styles.verdictBad}`}>{b.kind === "edge" && b.edge ? `Edge ${b.edge.from} → ${b.edge.to}` : b.component}</div>
            <p className={styles.reason}>{b.reason}</p>
            <h3>Evidence</h3>
            <ul className={styles.list}>
              {b.evidence.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
            <h3>Recommended</h3>
            <ul className={`${styles.list} ${styles.recommend}`} data-testid="recommendations">
              {b.recommendations.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </>
        ) : (
          <div className={`${styles.verdict} ${styles.verdictOk}`}>Keeps up — no stage limits the pipeline.</div>
        )}
        <p className="muted" style={{ fontSize: 12, margin: "8px 0 0" }}>
          Window {new Date(report.window.from).toLocaleTimeString("en-GB")}–{new Date(report.window.to).toLocaleTimeString("en-GB")}
        </p>
      </div>
    </Card>
  );
}
