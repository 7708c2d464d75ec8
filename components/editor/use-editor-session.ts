"use client";
/**
 * The editor's state in React: the core's session (text, layout, graph, undo history) changed only
 * through the core's `dispatch`, and live validation of its text, debounced. Each action is timed
 * with Performance API measures that `npm run bench:editor-ui` reads, each with the action's kind
 * as `detail`: `flowctl:dispatch` (the core), `flowctl:commit` (until React committed the canvas,
 * panel and inspector), `flowctl:frame` (until the next frame starts), and `flowctl:validate`.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { dispatch, openSession, type DispatchResult, type EditorAction, type EditorSession } from "@/server/core/editor/editor-session";
import type { EditorLayout } from "@/server/core/editor/layout-model";
import { checkSession, type SessionCheck } from "@/server/core/editor/session-checks";
import { EDITOR_LAYOUT } from "./flow-elements";

/** Validation runs this long after the last change. */
const VALIDATE_DEBOUNCE_MS = 150;

/** A check with the text it was made for. */
export type TextCheck = SessionCheck & { text: string };

/** Opens text the editor's way (node box and spacing of the canvas). */
export function openEditorSession(text: string, layout: EditorLayout | null, at = Date.now()): EditorSession {
  return openSession(text, { ...(layout ? { layout } : {}), layoutOptions: EDITOR_LAYOUT, at });
}

function timedCheck(session: EditorSession, file: string): TextCheck {
  const t0 = performance.now();
  const check = checkSession(session, { file });
  performance.measure("flowctl:validate", { start: t0, end: performance.now() });
  return { ...check, text: session.text };
}

/** The session, its latest check, and the ways to change it. */
export function useEditorSession(initial: () => EditorSession, file: string) {
  const [session, setSession] = useState(initial);
  const ref = useRef(session);
  const started = useRef<{ at: number; kind: string } | null>(null);
  const [check, setCheck] = useState<TextCheck>(() => timedCheck(session, file));

  /** Applies one action; returns the core's result (its `error` says why an edit was refused). */
  const act = useCallback((action: EditorAction): DispatchResult => {
    const t0 = performance.now();
    const result = dispatch(ref.current, action);
    const kind = action.type === "edit" ? action.op.kind : action.type;
    performance.measure("flowctl:dispatch", { start: t0, end: performance.now(), detail: kind });
    if (result.session !== ref.current) {
      ref.current = result.session;
      started.current = { at: t0, kind };
      setSession(result.session);
    }
    return result;
  }, []);

  /** Starts over from other text (a restored or reloaded version): a new history. */
  const reset = useCallback((next: EditorSession) => {
    ref.current = next;
    setSession(next);
  }, []);

  /** The current session (for handlers that run between renders). */
  const current = useCallback(() => ref.current, []);

  // From the action to React's commit of the canvas, panel and inspector it changed.
  useLayoutEffect(() => {
    const s = started.current;
    if (s === null) return;
    performance.measure("flowctl:commit", { start: s.at, end: performance.now(), detail: s.kind });
    started.current = null;
    requestAnimationFrame(() => performance.measure("flowctl:frame", { start: s.at, end: performance.now(), detail: s.kind }));
  }, [session]);

  useEffect(() => {
    if (check.text === session.text) return;
    const timer = setTimeout(() => setCheck(timedCheck(session, file)), VALIDATE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [session, check.text, file]);

  /** A check of the current text now (saving must not rely on a debounced one). */
  const checkNow = useCallback((): TextCheck => {
    const c = check.text === ref.current.text ? check : timedCheck(ref.current, file);
    if (c !== check) setCheck(c);
    return c;
  }, [check, file]);

  return { session, act, reset, current, check, checkNow };
}
