"use client";
/** The editor's header: name and state, history, layout and file actions, save and run. */
import type { ReactNode } from "react";
import { Button } from "@/components/ui/ui";
import styles from "./editor.module.css";

export interface ToolbarProps {
  title: ReactNode;
  status: ReactNode;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel?: string | undefined;
  redoLabel?: string | undefined;
  onUndo: () => void;
  onRedo: () => void;
  onLayout: () => void;
  onFit: () => void;
  onImport: () => void;
  onExport: () => void;
  onSave: () => void;
  saving: boolean;
  /** Run or redeploy the saved version; undefined: not possible now (never saved, or unsaved changes). */
  run: { label: string; title: string; onClick: (() => void) | undefined; pending: boolean; redeploy: boolean };
  errorCount: number;
}

export function EditorToolbar(p: ToolbarProps) {
  return (
    <div className={styles.toolbar}>
      <div className={styles.titleBlock}>
        <h1>{p.title}</h1>
        <div className={styles.status}>{p.status}</div>
      </div>
      <div className={styles.tools} role="toolbar" aria-label="Editor">
        <Button size="small" onClick={p.onUndo} disabled={!p.canUndo} title={p.undoLabel ? `Undo ${p.undoLabel} (Ctrl/⌘+Z)` : "Nothing to undo"} aria-label="Undo">
          ↶ Undo
        </Button>
        <Button size="small" onClick={p.onRedo} disabled={!p.canRedo} title={p.redoLabel ? `Redo ${p.redoLabel} (Ctrl/⌘+Shift+Z)` : "Nothing to redo"} aria-label="Redo">
          ↷ Redo
        </Button>
        <span className={styles.sep} />
        <Button size="small" onClick={p.onLayout} title="Lay the graph out left to right (undoable)">
          Auto-layout
        </Button>
        <Button size="small" onClick={p.onFit} title="Fit the whole graph in view">
          Fit view
        </Button>
        <span className={styles.sep} />
        <Button size="small" onClick={p.onImport} title="Replace the YAML with a file (or drop a .yaml file on the page)">
          Import
        </Button>
        <Button size="small" onClick={p.onExport} title="Download the YAML as it is now">
          Export
        </Button>
        <span className={styles.sep} />
        <Button size="small" variant={p.errorCount > 0 ? "default" : "primary"} onClick={p.onSave} disabled={p.saving} data-testid="save">
          {p.saving ? "Saving…" : "Save"}
        </Button>
        <Button size="small" variant={p.run.redeploy ? "danger" : "default"} onClick={p.run.onClick} disabled={!p.run.onClick || p.run.pending} title={p.run.title} data-testid={p.run.redeploy ? "redeploy" : "run"}>
          {p.run.pending ? "Starting…" : p.run.label}
        </Button>
      </div>
    </div>
  );
}
