"use client";
/**
 * A PromQL input (CodeMirror 6 with codemirror-promql): highlighting, linting, and completion of
 * functions plus our own metric and label names, fetched from the console's Prometheus API.
 */
import { PromQLExtension } from "@prometheus-io/codemirror-promql";
import { EditorView, keymap, placeholder } from "@codemirror/view";
import { EditorState } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { autocompletion, closeBrackets, completionKeymap } from "@codemirror/autocomplete";
import { syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import { useEffect, useRef } from "react";

export function PromQLEditor({ value, onChange, onSubmit }: { value: string; onChange: (v: string) => void; onSubmit: (v: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const callbacks = useRef({ onChange, onSubmit });
  callbacks.current = { onChange, onSubmit };

  useEffect(() => {
    if (!host.current) return;
    const promql = new PromQLExtension().setComplete({ remote: { url: window.location.origin, lookbackInterval: 3_600_000 } });
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          closeBrackets(),
          autocompletion(),
          syntaxHighlighting(defaultHighlightStyle),
          placeholder("rate(component_events_processed_total[30s])"),
          promql.asExtension(),
          EditorView.lineWrapping,
          keymap.of([
            { key: "Mod-Enter", run: (ed) => (callbacks.current.onSubmit(ed.state.doc.toString()), true) },
            { key: "Enter", run: (ed) => (callbacks.current.onSubmit(ed.state.doc.toString()), true) },
            ...completionKeymap,
            ...historyKeymap,
            ...defaultKeymap,
          ]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
          }),
          EditorView.theme({
            "&": { fontSize: "13px", border: "1px solid var(--border-strong)", borderRadius: "6px", background: "var(--surface)" },
            "&.cm-focused": { outline: "2px solid var(--accent-soft)" },
            ".cm-content": { fontFamily: "var(--font-mono)", padding: "8px 4px" },
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor owns its text after mount; `value` only seeds it.
  }, []);

  return <div ref={host} data-testid="promql-editor" aria-label="PromQL query" />;
}
