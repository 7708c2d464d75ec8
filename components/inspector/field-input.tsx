"use client";
/**
 * One inspector input. Shows the stored value, writes every change at once (the history coalesces
 * typing in one field into one undo step) and keeps what the user typed while it means the same
 * value — `1.` stays `1.` — but follows the value when it changes elsewhere (undo, YAML panel).
 */
import { useId, useMemo, useState } from "react";
import { fieldText, parseFieldText, sameValue, type FieldWrite, type InputKind } from "./field-values";
import styles from "./inspector.module.css";

export interface FieldInputProps {
  label: string;
  kind: InputKind;
  value: unknown;
  onWrite: (w: FieldWrite, text: string) => void;
  /** Problems with what is typed now (inline check), and diagnostics of the saved text about this field. */
  problems?: readonly string[];
  description?: string | undefined;
  placeholder?: string | undefined;
  unit?: string | undefined;
  options?: readonly string[] | undefined;
  required?: boolean;
  testId?: string;
  /** Shown under the input (e.g. the what-if of a replicas change). */
  hint?: React.ReactNode;
  /** Validates typed text before it is written (inline errors as the user types). */
  check?: (w: FieldWrite) => string[];
}

export function FieldInput({ label, kind, value, onWrite, problems = [], description, placeholder, unit, options, required, testId, hint, check }: FieldInputProps) {
  const id = useId();
  const shown = fieldText(value);
  const [text, setText] = useState(shown);
  const [seen, setSeen] = useState(shown);
  if (shown !== seen) {
    // The value changed elsewhere: follow it unless the typed text already means it.
    setSeen(shown);
    if (!sameValue(kind, text, value)) setText(shown);
  }
  // The check depends on the field, not on the render: re-run it only when the text changes (a
  // form re-renders on every edit, and zod-parsing thirty fields each time shows on 200 components).
  const typed = useMemo(() => (check ? check(parseFieldText(kind, text)) : []), [text, kind]);
  const all = [...new Set([...typed, ...problems])];
  const change = (next: string) => {
    setText(next);
    onWrite(parseFieldText(kind, next), next);
  };
  const choices = options ?? (kind === "boolean" ? ["true", "false"] : undefined);
  return (
    <div className={styles.field} data-invalid={all.length > 0 ? "true" : undefined}>
      <label htmlFor={id} title={description}>
        {label}
        {required && <span className={styles.req}>*</span>}
        {unit && <span className={styles.unit}>{unit}</span>}
      </label>
      {choices ? (
        <select id={id} value={text} onChange={(e) => change(e.target.value)} data-testid={testId} aria-invalid={all.length > 0}>
          <option value="">{placeholder ? `default (${placeholder})` : "—"}</option>
          {choices.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
          {text !== "" && !choices.includes(text) && <option value={text}>{text}</option>}
        </select>
      ) : (
        <input
          id={id}
          value={text}
          onChange={(e) => change(e.target.value)}
          placeholder={placeholder}
          inputMode={kind === "integer" || kind === "number" ? "decimal" : undefined}
          spellCheck={false}
          data-testid={testId}
          aria-invalid={all.length > 0}
          aria-describedby={all.length > 0 ? `${id}-err` : undefined}
        />
      )}
      {all.length > 0 && (
        <div className={styles.fieldError} id={`${id}-err`} role="status">
          {all.join("; ")}
        </div>
      )}
      {hint && <div className={styles.fieldHint}>{hint}</div>}
    </div>
  );
}
