"use client";
/**
 * The `env` of a component: a built-in's documented settings first (default as placeholder, unit,
 * description, checked as typed with the built-in's own schema), then any other variables as
 * key/value rows (rename a key in place, remove, add).
 */
import { useState } from "react";
import type { EditOp } from "@/server/core/editor/edit-op";
import { builtinEnvFields, validateEnvValue } from "@/server/core/editor/form-model";
import { FieldInput } from "./field-input";
import { fieldText } from "./field-values";
import styles from "./inspector.module.css";

type Env = Record<string, unknown>;

function OtherRow({ name, value, edit }: { name: string; value: unknown; edit: (op: EditOp) => string | undefined }) {
  const [key, setKey] = useState(name);
  const [error, setError] = useState<string | undefined>();
  const commitKey = () => {
    if (key === name) return;
    const problem = edit({ kind: "rename-key", id: "", path: ["env"], from: name, to: key });
    setError(problem);
    if (problem) setKey(name);
  };
  return (
    <div className={styles.envRow}>
      <input className={styles.envKey} value={key} onChange={(e) => setKey(e.target.value)} onBlur={commitKey} onKeyDown={(e) => e.key === "Enter" && commitKey()} aria-label={`Name of ${name}`} spellCheck={false} />
      <input className={styles.envValue} value={fieldText(value)} onChange={(e) => edit({ kind: "set-field", id: "", path: ["env", name], value: e.target.value })} aria-label={`Value of ${name}`} spellCheck={false} />
      <button type="button" className={styles.remove} onClick={() => edit({ kind: "unset-field", id: "", path: ["env", name] })} aria-label={`Remove ${name}`}>
        ×
      </button>
      {error && <div className={styles.fieldError}>{error}</div>}
    </div>
  );
}

/** `edit` applies an op to this component (its `id` is filled in) and returns the refusal message, if any. */
export function EnvEditor({ builtin, env, problems, edit }: { builtin: string | undefined; env: Env; problems: (field: string) => string[]; edit: (op: EditOp) => string | undefined }) {
  const documented = builtin ? (builtinEnvFields(builtin) ?? []) : [];
  const known = new Set(documented.map((f) => f.name));
  const others = Object.keys(env).filter((k) => !known.has(k));
  const [newKey, setNewKey] = useState("");
  const [newValue, setNewValue] = useState("");
  const [addError, setAddError] = useState<string | undefined>();
  const add = () => {
    const k = newKey.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) return setAddError("a variable name: letters, digits and _, not starting with a digit");
    if (k in env) return setAddError(`${k} is already set`);
    const problem = edit({ kind: "set-field", id: "", path: ["env", k], value: newValue });
    setAddError(problem);
    if (!problem) {
      setNewKey("");
      setNewValue("");
    }
  };
  return (
    <div className={styles.env} data-testid="env-editor">
      {documented.map((f) => (
        <FieldInput
          key={f.name}
          label={f.name}
          kind={f.kind === "enum" ? "enum" : f.kind}
          options={f.enum}
          value={env[f.name]}
          required={f.required}
          description={f.description}
          placeholder={f.default}
          unit={f.unit}
          problems={problems(`env.${f.name}`)}
          testId={`env-${f.name}`}
          check={(w) => validateEnvValue(builtin!, f.name, w.unset ? undefined : w.value)}
          onWrite={(w) => edit(w.unset ? { kind: "unset-field", id: "", path: ["env", f.name] } : { kind: "set-field", id: "", path: ["env", f.name], value: w.value })}
          hint={<span className="muted">{f.description}</span>}
        />
      ))}
      {others.length > 0 && <h4>{documented.length > 0 ? "Other variables" : "Variables"}</h4>}
      {others.map((k) => (
        <OtherRow key={k} name={k} value={env[k]} edit={edit} />
      ))}
      <div className={styles.envRow}>
        <input className={styles.envKey} value={newKey} onChange={(e) => setNewKey(e.target.value)} placeholder="NAME" aria-label="New variable name" spellCheck={false} />
        <input className={styles.envValue} value={newValue} onChange={(e) => setNewValue(e.target.value)} placeholder="value" aria-label="New variable value" onKeyDown={(e) => e.key === "Enter" && add()} spellCheck={false} />
        <button type="button" className={styles.remove} onClick={add} aria-label="Add variable">
          +
        </button>
        {addError && <div className={styles.fieldError}>{addError}</div>}
      </div>
    </div>
  );
}
