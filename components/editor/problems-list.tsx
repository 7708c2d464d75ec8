"use client";
/**
 * Every diagnostic of the live validation, in the file's reading order, each with what it is
 * about; clicking one selects and centres its node or edge, or shows its line in the YAML.
 */
import type { DiagnosticTarget, GraphDiagnostics } from "@/server/core/editor/graph-diagnostics";
import type { Diagnostic } from "@/server/core/spec/index";
import styles from "./editor.module.css";

export function ProblemsList({ placed, onFocus }: { placed: GraphDiagnostics["placed"]; onFocus: (d: Diagnostic, target: DiagnosticTarget) => void }) {
  if (placed.length === 0) return <p className={styles.noProblems} data-testid="problems-empty">No problems: this pipeline validates.</p>;
  return (
    <ul className={styles.problemList} data-testid="problems">
      {placed.map(({ diagnostic: d, target }, i) => (
        <li key={`${d.code}-${d.path}-${i}`}>
          <button type="button" onClick={() => onFocus(d, target)} data-severity={d.severity} data-target={target.kind === "pipeline" ? "pipeline" : target.id}>
            <span className={styles.sev} data-severity={d.severity}>
              {d.severity}
            </span>
            <span className={styles.problemText}>
              {d.message}
              {d.fix && <span className="muted"> — {d.fix}</span>}
            </span>
            <span className={styles.problemWhere}>
              {target.kind === "pipeline" ? "pipeline" : target.id} · line {d.line}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
