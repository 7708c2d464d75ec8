"use client";
/**
 * The diff of two versions (or of a version and the editor's text): what changed in components,
 * edges and pipeline fields, the two graphs overlaid with the changes highlighted, and the YAML
 * diff in hunks with context.
 */
import { useMemo } from "react";
import { graphFromYaml } from "@/server/core/editor/editor-graph";
import type { EditorLayout } from "@/server/core/editor/layout-model";
import { groupDiff } from "@/server/core/editor/line-diff";
import { diffGraph, diffVersions, type FieldChange } from "@/server/core/editor/version-diff";
import { Button } from "@/components/ui/ui";
import { DiffGraphView } from "./diff-graph";
import styles from "./versions.module.css";

export interface DiffSide {
  label: string;
  text: string;
  layout: EditorLayout | null;
}

const show = (v: unknown) => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

function Field({ f }: { f: FieldChange }) {
  return (
    <li>
      <code>{f.path}</code>: {show(f.before)} → {show(f.after)}
    </li>
  );
}

export function VersionDiffView({ from, to, onClose }: { from: DiffSide; to: DiffSide; onClose: () => void }) {
  const { diff, graph, hunks } = useMemo(() => {
    const diff = diffVersions(from.text, to.text);
    const a = graphFromYaml(from.text, from.layout ?? undefined);
    const b = graphFromYaml(to.text, to.layout ?? undefined);
    const graph = a.ok && b.ok ? diffGraph(a.graph, b.graph, diff) : null;
    return { diff, graph, hunks: groupDiff(diff.lines, 3) };
  }, [from, to]);
  const c = diff.components;
  const nothing = c.added.length + c.removed.length + c.changed.length + diff.edges.added.length + diff.edges.removed.length + diff.pipeline.length === 0;
  return (
    <div className={styles.backdrop} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={styles.diffDialog} role="dialog" aria-modal="true" aria-label={`Diff ${from.label} → ${to.label}`} data-testid="version-diff" onKeyDown={(e) => e.key === "Escape" && onClose()}>
        <header className={styles.diffHeader}>
          <h2>
            {from.label} → {to.label}
          </h2>
          <Button size="small" onClick={onClose} autoFocus>
            Close
          </Button>
        </header>
        {diff.unreadable.length > 0 && <p className={styles.warn}>The {diff.unreadable.join(" and ")} version does not parse: compared as text only.</p>}
        <div className={styles.diffBody}>
          <div className={styles.diffLeft}>
            <ul className={styles.summary} data-testid="diff-summary">
              {nothing && <li className="muted">No difference in the pipeline{diff.lines.some((l) => l.op !== "equal") ? " (only formatting or comments changed)" : ""}.</li>}
              {c.added.map((x) => (
                <li key={`a-${x.id}`} data-status="added">
                  + {x.role} <b>{x.id}</b>
                </li>
              ))}
              {c.removed.map((x) => (
                <li key={`r-${x.id}`} data-status="removed">
                  − {x.role} <b>{x.id}</b>
                </li>
              ))}
              {c.changed.map((x) => (
                <li key={`c-${x.id}`} data-status="changed">
                  ~ <b>{x.id}</b>
                  {x.roleBefore ? ` (was a ${x.roleBefore})` : ""}
                  <ul>
                    {x.fields.map((f) => (
                      <Field key={f.path} f={f} />
                    ))}
                  </ul>
                </li>
              ))}
              {diff.edges.added.map((e) => (
                <li key={`ea-${e.from}-${e.to}`} data-status="added">
                  + edge {e.from} → {e.to}
                </li>
              ))}
              {diff.edges.removed.map((e) => (
                <li key={`er-${e.from}-${e.to}`} data-status="removed">
                  − edge {e.from} → {e.to}
                </li>
              ))}
              {diff.pipeline.map((f) => (
                <li key={`p-${f.path}`} data-status="changed">
                  ~ <code>{f.path}</code>: {show(f.before)} → {show(f.after)}
                </li>
              ))}
            </ul>
            {graph && <DiffGraphView graph={graph} />}
          </div>
          <div className={styles.yamlDiff} data-testid="yaml-diff">
            {hunks.length === 0 && <p className="muted">The YAML texts are identical.</p>}
            {hunks.map((h, i) => (
              <pre key={i} className={styles.hunk}>
                {h.map((l, j) => (
                  <div key={j} className={styles[`line_${l.op}`]} data-op={l.op}>
                    <span className={styles.ln}>{l.oldLine ?? ""}</span>
                    <span className={styles.ln}>{l.newLine ?? ""}</span>
                    <span className={styles.mark}>{l.op === "add" ? "+" : l.op === "remove" ? "−" : " "}</span>
                    {l.text}
                  </div>
                ))}
              </pre>
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}
