"use client";
/**
 * Unsaved changes are never lost silently: while the editor has them, leaving the page asks
 * (closing the tab, reloading, and following any link inside the console), and a draft of the
 * text and layout is kept in localStorage so a crash or a confirmed leave can be undone later.
 */
import { useEffect, useRef, useState } from "react";
import type { EditorLayout } from "@/server/core/editor/layout-model";
import { clearDraft, draftKey, readDraft, writeDraft, type EditorDraft } from "./editor-draft";

/** How long after the last change the draft is written. */
const DRAFT_DEBOUNCE_MS = 400;

export const LEAVE_QUESTION = "This pipeline has unsaved changes. Leave anyway? (A draft stays in this browser and is offered when you come back.)";

/** Guards leaving while `dirty`, keeps the draft, and returns a draft found on arrival (to offer back). */
export function useUnsavedGuard(opts: { pipeline: string | null; dirty: boolean; text: string; layout: EditorLayout; baseVersionId: string | null; initialText: string }) {
  const { pipeline, dirty, text, layout, baseVersionId, initialText } = opts;
  const key = draftKey(pipeline);
  const [offered, setOffered] = useState<EditorDraft | null>(null);
  const checked = useRef(false);
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;

  // A draft left by an earlier visit, offered once (read after hydration: storage is browser-only).
  useEffect(() => {
    if (checked.current) return;
    checked.current = true;
    const draft = readDraft(window.localStorage, key);
    if (draft && draft.text !== initialText) setOffered(draft);
    else if (draft) clearDraft(window.localStorage, key);
  }, [key, initialText]);

  useEffect(() => {
    // While a draft is offered, the stored one is not overwritten by the unchanged page.
    if (offered) return;
    const timer = setTimeout(() => {
      if (dirty) writeDraft(window.localStorage, key, { text, layout, baseVersionId, at: new Date() });
      else clearDraft(window.localStorage, key);
    }, DRAFT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [dirty, text, layout, baseVersionId, key, offered]);

  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!dirtyRef.current) return;
      e.preventDefault();
      e.returnValue = "";
    };
    // Next's client-side navigation has no cancellable event: ask on the click that would start it.
    const onClick = (e: MouseEvent) => {
      if (!dirtyRef.current || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.("a[href]");
      if (!a || a.getAttribute("target") === "_blank" || a.hasAttribute("download")) return;
      const href = a.getAttribute("href") ?? "";
      if (href.startsWith("#") || href.startsWith("blob:")) return;
      if (!window.confirm(LEAVE_QUESTION)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, []);

  return {
    offered,
    /** The user took or declined the offer. */
    settle: (keep: boolean) => {
      if (!keep) clearDraft(window.localStorage, key);
      setOffered(null);
    },
    /** After a save: nothing left to keep. */
    clear: () => clearDraft(window.localStorage, key),
  };
}
