"use client";
/**
 * The editor's keyboard and clipboard: undo/redo everywhere (inputs and the YAML panel included —
 * one history), and on the canvas delete, select all, copy, cut and paste. A copy goes to the
 * system clipboard as JSON (so it pastes into another tab's editor) and is kept in memory too, in
 * case the browser does not hand the clipboard to the page.
 */
import { useEffect, useRef } from "react";
import { copyComponents, parseClipboard } from "@/server/core/editor/clipboard";
import type { Clipboard } from "@/server/core/editor/edit-op";
import { sessionDocument, type DispatchResult, type EditorAction, type EditorSession } from "@/server/core/editor/editor-session";
import type { Selection } from "./editor-canvas";

function editable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== "function") return false;
  return el.isContentEditable || el.closest("input, textarea, select, [contenteditable='true'], .cm-editor") !== null;
}

export interface EditorKeyHandlers {
  current: () => EditorSession;
  act: (a: EditorAction) => DispatchResult;
  selection: () => Selection;
  select: (s: Selection) => void;
  /** Tells the user something (a paste that was not components). */
  notify: (message: string) => void;
}

/** Deletes the selected nodes and edges in one edit. */
export function deleteSelection(h: Pick<EditorKeyHandlers, "current" | "act" | "selection" | "select">): void {
  const sel = h.selection();
  const graph = h.current().graph;
  const edges = graph.edges.filter((e) => sel.edges.has(e.id) && !sel.nodes.has(e.from) && !sel.nodes.has(e.to)).map((e) => ({ from: e.from, to: e.to }));
  if (sel.nodes.size === 0 && edges.length === 0) return;
  const r = h.act({ type: "edit", op: { kind: "delete", nodes: [...sel.nodes], edges }, at: Date.now() });
  if (!r.error) h.select({ nodes: new Set(), edges: new Set() });
}

/** Copies the selected components (null when none are selected). */
export function copySelection(h: Pick<EditorKeyHandlers, "current" | "selection">): Clipboard | null {
  const ids = [...h.selection().nodes];
  if (ids.length === 0) return null;
  const s = h.current();
  return copyComponents(sessionDocument(s), s.layout, ids);
}

/** Pastes `clipboard` and selects what was added. */
export function pasteClipboard(h: Pick<EditorKeyHandlers, "current" | "act" | "select" | "notify">, clipboard: Clipboard): void {
  const before = new Set(h.current().graph.nodes.map((n) => n.id));
  const r = h.act({ type: "edit", op: { kind: "paste", clipboard }, at: Date.now() });
  if (r.error) return h.notify(r.error.message);
  const added = r.session.graph.nodes.filter((n) => !before.has(n.id)).map((n) => n.id);
  h.select({ nodes: new Set(added), edges: new Set() });
}

/** Installs the handlers on the document for the editor's lifetime; returns the in-memory clipboard. */
export function useEditorKeys(h: EditorKeyHandlers) {
  const ref = useRef(h);
  ref.current = h;
  const memory = useRef<Clipboard | null>(null);
  const pasted = useRef(false);

  useEffect(() => {
    const copy = (): string | null => {
      const clip = copySelection(ref.current);
      if (!clip) return null;
      memory.current = clip;
      const json = JSON.stringify(clip);
      navigator.clipboard?.writeText(json).catch(() => undefined);
      return json;
    };
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      // One history for everything: inputs and the YAML panel included (CodeMirror binds its own keys to it).
      if (mod && key === "z" && !(e.target as Element | null)?.closest?.(".cm-editor")) {
        e.preventDefault();
        ref.current.act({ type: e.shiftKey ? "redo" : "undo" });
        return;
      }
      if (mod && key === "y" && !(e.target as Element | null)?.closest?.(".cm-editor")) {
        e.preventDefault();
        ref.current.act({ type: "redo" });
        return;
      }
      if (editable(e.target)) return;
      if ((e.key === "Delete" || e.key === "Backspace") && !mod) {
        e.preventDefault();
        deleteSelection(ref.current);
      } else if (mod && key === "a") {
        e.preventDefault();
        const g = ref.current.current().graph;
        ref.current.select({ nodes: new Set(g.nodes.map((n) => n.id)), edges: new Set(g.edges.map((x) => x.id)) });
      } else if (mod && (key === "c" || key === "x")) {
        if (copy() && key === "x") deleteSelection(ref.current);
      } else if (mod && key === "v") {
        // The paste event below reads the system clipboard; without one, the in-memory copy is used.
        pasted.current = false;
        setTimeout(() => {
          if (!pasted.current && memory.current) pasteClipboard(ref.current, memory.current);
        }, 60);
      } else if (e.key === "Escape") {
        ref.current.select({ nodes: new Set(), edges: new Set() });
      }
    };
    const onCopy = (e: ClipboardEvent) => {
      if (editable(e.target) || ref.current.selection().nodes.size === 0) return;
      const clip = copySelection(ref.current);
      if (!clip || !e.clipboardData) return;
      e.clipboardData.setData("text/plain", JSON.stringify(clip));
      e.preventDefault();
    };
    const onPaste = (e: ClipboardEvent) => {
      if (editable(e.target)) return;
      pasted.current = true;
      const text = e.clipboardData?.getData("text/plain") ?? "";
      const parsed = text ? parseClipboard(text) : null;
      if (parsed?.ok) {
        e.preventDefault();
        pasteClipboard(ref.current, parsed.clipboard);
      } else if (memory.current && (!text || text === JSON.stringify(memory.current))) {
        pasteClipboard(ref.current, memory.current);
      } else if (parsed && !parsed.ok) ref.current.notify(parsed.message);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("copy", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, []);

  return {
    /** Copies the selection (the inspector's Copy button). */
    copy: () => {
      const clip = copySelection(ref.current);
      if (!clip) return;
      memory.current = clip;
      navigator.clipboard?.writeText(JSON.stringify(clip)).catch(() => undefined);
      ref.current.notify(`Copied ${clip.components.length} component(s): paste with Ctrl/⌘+V`);
    },
  };
}
