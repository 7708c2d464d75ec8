"use client";
/**
 * The selected component's form, generated from the pipeline's JSON Schema (the core's
 * `componentFormFields()`, the schema `flowctl validate` checks) and the built-in's env schema.
 * Every change is an edit op; every value is checked as typed with the same zod schemas.
 */
import { useState, type ReactNode } from "react";
import type { EditOp } from "@/server/core/editor/edit-op";
import type { EditorNode } from "@/server/core/editor/editor-graph";
import { componentFormFields, validateComponentField, type FormField } from "@/server/core/editor/form-model";
import type { Diagnostic } from "@/server/core/spec/index";
import { EnvEditor } from "./env-editor";
import { FieldInput } from "./field-input";
import type { InputKind } from "./field-values";
import styles from "./inspector.module.css";

type Values = Record<string, unknown>;

/** Sections of the form, by field name (fields not listed go to "More"). */
const SECTIONS: { title: string; open: boolean; names: string[] }[] = [
  { title: "What runs", open: true, names: ["type", "command", "args", "image"] },
  { title: "Scaling", open: true, names: ["replicas", "partition_key"] },
  { title: "Input queue", open: false, names: ["queue.capacity", "queue.policy"] },
  { title: "Batching", open: false, names: ["batch.size", "batch.flush_interval_ms"] },
  { title: "Restart and health", open: false, names: ["restart_policy", "health_check", "health_port"] },
  { title: "Resources", open: false, names: ["resources.requests.cpu", "resources.requests.memory", "resources.limits.cpu", "resources.limits.memory"] },
  { title: "More", open: false, names: [] },
];
/** Edited elsewhere: id (rename), inputs (connect), env (its own editor). */
const OWN_EDITORS = new Set(["id", "inputs", "env"]);

const inputKind = (f: FormField): InputKind | undefined => (f.kind === "string-map" || f.kind === "any-map" || f.kind === "object-list" ? undefined : f.kind);

function get(values: Values, path: readonly string[]): unknown {
  let cur: unknown = values;
  for (const k of path) cur = typeof cur === "object" && cur !== null && !Array.isArray(cur) ? (cur as Values)[k] : undefined;
  return cur;
}

function Section({ title, open, children }: { title: string; open: boolean; children: ReactNode }) {
  return (
    <details className={styles.section} open={open}>
      <summary>{title}</summary>
      <div className={styles.sectionBody}>{children}</div>
    </details>
  );
}

export interface ComponentFormProps {
  node: EditorNode;
  values: Values;
  diagnostics: readonly Diagnostic[];
  /** Applies an op to this component; returns the refusal message, if any. */
  edit: (op: EditOp) => string | undefined;
  rename: (newId: string) => string | undefined;
  /** Shown under `replicas` (the what-if). */
  replicasHint?: ReactNode;
}

function IdField({ node, rename }: { node: EditorNode; rename: (id: string) => string | undefined }) {
  const [text, setText] = useState(node.componentId ?? "");
  const [seen, setSeen] = useState(node.componentId ?? "");
  const [error, setError] = useState<string | undefined>();
  if ((node.componentId ?? "") !== seen) {
    setSeen(node.componentId ?? "");
    setText(node.componentId ?? "");
    setError(undefined);
  }
  const commit = () => {
    if (text === (node.componentId ?? "")) return;
    setError(rename(text));
  };
  return (
    <div className={styles.field} data-invalid={error ? "true" : undefined}>
      <label htmlFor="inspector-id">id</label>
      <input id="inspector-id" value={text} onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === "Enter" && commit()} spellCheck={false} data-testid="field-id" aria-invalid={!!error} />
      {error ? <div className={styles.fieldError} role="status">{error}</div> : <div className={styles.fieldHint}>Renaming updates every input that names it. Press Enter to apply.</div>}
    </div>
  );
}

export function ComponentForm({ node, values, diagnostics, edit, rename, replicasHint }: ComponentFormProps) {
  const fields = componentFormFields().filter((f) => !OWN_EDITORS.has(f.name));
  const problemsAt = (name: string) =>
    diagnostics
      // A missing required setting points at `type` (its line), but the setting's own field says it.
      .filter((d) => !(name === "type" && d.code === "component.builtin-missing-env"))
      .filter((d) => d.path === `${node.path}.${name}` || d.path.startsWith(`${node.path}.${name}.`) || d.path.startsWith(`${node.path}.${name}[`))
      .map((d) => d.message);
  const listed = new Set(SECTIONS.flatMap((s) => s.names));
  const render = (f: FormField) => {
    const kind = inputKind(f);
    const value = get(values, f.path);
    if (!kind) {
      // Maps and lists of objects (config, labels, ports, volumes, secrets) are edited in the YAML panel.
      return value === undefined ? null : (
        <div className={styles.field} key={f.name}>
          <label>{f.title}</label>
          <div className={styles.fieldHint}>Set in the YAML panel ({Array.isArray(value) ? `${value.length} item(s)` : `${Object.keys(value as object).length} key(s)`}).</div>
        </div>
      );
    }
    return (
      <FieldInput
        key={f.name}
        label={f.title === f.name ? f.name : `${f.title}`}
        kind={kind}
        value={value}
        options={f.enum}
        description={f.description}
        placeholder={f.default !== undefined ? String(f.default) : f.kind === "string-list" ? "comma-separated" : undefined}
        unit={f.unit}
        required={f.required}
        problems={problemsAt(f.name)}
        testId={`field-${f.name}`}
        check={(w) => (w.unset ? [] : validateComponentField(f.path, w.value))}
        onWrite={(w) => edit(w.unset ? { kind: "unset-field", id: node.id, path: f.path } : { kind: "set-field", id: node.id, path: f.path, value: w.value })}
        {...(f.name === "replicas" && replicasHint ? { hint: replicasHint } : {})}
      />
    );
  };
  const env = (get(values, ["env"]) ?? {}) as Values;
  return (
    <div className={styles.form} data-testid="component-form">
      <IdField node={node} rename={rename} />
      <Section title={node.builtin ? `Settings of ${node.builtin}` : "Environment"} open>
        <EnvEditor builtin={node.builtin} env={typeof env === "object" && env !== null ? env : {}} problems={problemsAt} edit={(op) => edit({ ...op, id: node.id } as EditOp)} />
      </Section>
      {SECTIONS.map((s) => {
        const inSection = s.names.length > 0 ? s.names.map((n) => fields.find((f) => f.name === n)).filter((f): f is FormField => f !== undefined) : fields.filter((f) => !listed.has(f.name));
        return (
          <Section key={s.title} title={s.title} open={s.open || inSection.some((f) => get(values, f.path) !== undefined)}>
            {inSection.map(render)}
          </Section>
        );
      })}
    </div>
  );
}
