"use client";
/**
 * The YAML panel: CodeMirror 6 with the YAML language, the editor's diagnostics as lint markers
 * at their lines, and key/value completion from the pipeline's JSON Schema. Typing goes to the
 * session as `set-text` (so undo covers it like every other change: Mod-Z here is the editor's
 * undo, CodeMirror keeps no history of its own); text changed by the graph comes back in as a
 * minimal replacement, keeping the cursor and the scroll position.
 */
import { autocompletion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { defaultKeymap, indentWithTab } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from "@codemirror/lint";
import { Annotation, EditorSelection, EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { BUILTIN_COMPONENTS, pipelineJsonSchema, type Diagnostic } from "@/server/core/spec/index";
import { cursorContext, schemaOptions } from "./schema-completion";
import styles from "./yaml-panel.module.css";

/** Marks changes that came from the session, not from typing. */
const external = Annotation.define<boolean>();

let schema: Record<string, unknown> | undefined;
const builtins = BUILTIN_COMPONENTS.map((b) => ({ name: b.name, role: b.role, description: b.description, env: b.env }));

function complete(ctx: CompletionContext): CompletionResult | null {
  const c = cursorContext(ctx.state.doc.toString(), ctx.pos);
  if (!c || (!ctx.explicit && c.prefix === "" && c.kind === "key")) return null;
  schema ??= pipelineJsonSchema() as Record<string, unknown>;
  const options = schemaOptions(schema, c, builtins).map((o) => ({ label: o.label, apply: o.apply, type: c.kind === "key" ? "property" : "enum", ...(o.detail ? { detail: o.detail } : {}), ...(o.info ? { info: o.info } : {}) }));
  return options.length > 0 ? { from: c.from, options, validFor: /^[\w.@/-]*$/ } : null;
}

/** A diagnostic at 1-based line/column → a CodeMirror range (to the end of its line's content). */
function toCm(view: EditorView, d: { line: number; column: number; severity: Diagnostic["severity"]; message: string; fix?: string | undefined }): CmDiagnostic {
  const doc = view.state.doc;
  const line = doc.line(Math.min(Math.max(1, d.line), doc.lines));
  const from = Math.min(line.from + Math.max(0, d.column - 1), line.to);
  const to = Math.max(from, line.to);
  return { from, to, severity: d.severity === "hint" ? "info" : d.severity, message: d.fix ? `${d.message}\nfix: ${d.fix}` : d.message };
}

/** The smallest single replacement turning `a` into `b`. */
function minimalChange(a: string, b: string): { from: number; to: number; insert: string } {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return { from: start, to: endA, insert: b.slice(start, endB) };
}

export interface YamlPanelProps {
  text: string;
  diagnostics: readonly Diagnostic[];
  /** The YAML syntax error of the current text, when it does not parse. */
  yamlError?: { line: number; column: number; message: string } | undefined;
  onChange: (text: string) => void;
  onUndo: () => void;
  onRedo: () => void;
  /** Scroll to and select this 1-based line (seq changes on each request). */
  reveal?: { line: number; seq: number } | null;
}

export function YamlPanel({ text, diagnostics, yamlError, onChange, onUndo, onRedo, reveal }: YamlPanelProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const handlers = useRef({ onChange, onUndo, onRedo });
  handlers.current = { onChange, onUndo, onRedo };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: text,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          yaml(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          lintGutter(),
          autocompletion({ override: [complete], activateOnTyping: true }),
          // Undo/redo by modifier + letter, whatever the key's case with Shift (keymaps tell Ctrl-z from
          // Ctrl-Shift-z by the reported key, which differs between keyboards and synthetic input).
          EditorView.domEventHandlers({
            keydown: (e) => {
              if (!(e.ctrlKey || e.metaKey) || e.altKey) return false;
              const k = e.key.toLowerCase();
              if (k === "y" || (k === "z" && e.shiftKey)) handlers.current.onRedo();
              else if (k === "z") handlers.current.onUndo();
              else return false;
              e.preventDefault();
              return true;
            },
          }),
          keymap.of([indentWithTab, ...defaultKeymap]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.some((t) => t.annotation(external))) handlers.current.onChange(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ "aria-label": "Pipeline YAML", "data-testid": "yaml-editor" }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The view is created once; later text comes in through the effect below.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    if (current === text) return;
    v.dispatch({ changes: minimalChange(current, text), annotations: external.of(true) });
  }, [text]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const list = diagnostics.map((d) => toCm(v, d));
    if (yamlError) list.unshift(toCm(v, { ...yamlError, severity: "error" }));
    v.dispatch(setDiagnostics(v.state, list));
  }, [diagnostics, yamlError, text]);

  useEffect(() => {
    const v = view.current;
    if (!v || !reveal) return;
    const line = v.state.doc.line(Math.min(Math.max(1, reveal.line), v.state.doc.lines));
    v.dispatch({ selection: EditorSelection.range(line.from, line.to), effects: EditorView.scrollIntoView(line.from, { y: "center" }) });
    v.focus();
  }, [reveal]);

  return <div className={styles.panel} ref={host} data-testid="yaml-panel" />;
}
