"use client";
/**
 * Saving: an optional message, then a new version (never an overwrite). A save refused by
 * validation shows every blocking problem, each focusing its node or line on click.
 */
import { useState } from "react";
import type { Diagnostic } from "@/server/core/spec/index";
import { Button } from "@/components/ui/ui";
import styles from "./editor.module.css";

export function SaveDialog({
  nextVersion,
  name,
  onName,
  nameProblem,
  refused,
  error,
  saving,
  onSave,
  onClose,
  onFocus,
}: {
  nextVersion: number;
  /** For a new pipeline: its name (metadata.name). */
  name?: string | undefined;
  onName?: ((name: string) => void) | undefined;
  nameProblem?: string | undefined;
  refused: readonly Diagnostic[];
  error: string | null;
  saving: boolean;
  onSave: (message: string) => void;
  onClose: () => void;
  onFocus: (d: Diagnostic) => void;
}) {
  const [message, setMessage] = useState("");
  return (
    <div className={styles.backdrop} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={styles.dialog} role="dialog" aria-modal="true" aria-labelledby="save-title" data-testid="save-dialog" onKeyDown={(e) => e.key === "Escape" && onClose()}>
        <h2 id="save-title">{refused.length > 0 ? "Not saved: fix these first" : `Save as version ${nextVersion}`}</h2>
        {refused.length > 0 ? (
          <>
            <p className="muted">Errors block a save (warnings do not). Nothing was stored; your changes are still here.</p>
            <ul className={styles.problemList} data-testid="save-refused">
              {refused.map((d, i) => (
                <li key={i}>
                  <button type="button" data-severity={d.severity} onClick={() => onFocus(d)}>
                    <span className={styles.sev} data-severity={d.severity}>
                      {d.severity}
                    </span>
                    <span className={styles.problemText}>
                      {d.message}
                      {d.fix && <span className="muted"> — {d.fix}</span>}
                    </span>
                    <span className={styles.problemWhere}>line {d.line}</span>
                  </button>
                </li>
              ))}
            </ul>
            <div className={styles.dialogActions}>
              <Button onClick={onClose}>Back to the editor</Button>
            </div>
          </>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              onSave(message.trim());
            }}
          >
            {onName && (
              <label className={styles.dialogField}>
                Pipeline name
                <input value={name ?? ""} onChange={(e) => onName(e.target.value)} autoFocus spellCheck={false} aria-invalid={!!nameProblem} data-testid="pipeline-name" />
                {nameProblem && <span className={styles.dialogError}>{nameProblem}</span>}
              </label>
            )}
            <label className={styles.dialogField}>
              Message (optional)
              <input value={message} onChange={(e) => setMessage(e.target.value)} placeholder="What changed, and why" maxLength={500} autoFocus={!onName} data-testid="save-message" />
            </label>
            {error && (
              <p className={styles.dialogError} role="alert">
                {error}
              </p>
            )}
            <div className={styles.dialogActions}>
              <Button onClick={onClose}>Cancel</Button>
              <Button type="submit" variant="primary" disabled={saving || !!nameProblem} data-testid="save-confirm">
                {saving ? "Saving…" : "Save version"}
              </Button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
