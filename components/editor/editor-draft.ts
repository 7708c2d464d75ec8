/**
 * The unsaved draft kept in the browser (localStorage) while the editor has changes, so closing
 * the tab or a crash loses nothing: the text and layout, and the version they started from. A
 * stored value is parsed like any input; one that does not parse is ignored, never trusted.
 */
import { z } from "zod";
import { layoutSchema, type EditorLayout } from "@/server/core/editor/layout-model";

const draftSchema = z.object({
  format: z.literal("flowctl.editor.draft/v1"),
  text: z.string(),
  layout: layoutSchema,
  /** The saved version the draft was made from (null: a new pipeline). */
  baseVersionId: z.string().nullable(),
  /** ISO time of the last change. */
  savedAt: z.string(),
});

/** A stored draft. */
export type EditorDraft = z.infer<typeof draftSchema>;

/** The storage key of a pipeline's draft (`null`: the new-pipeline page). */
export function draftKey(pipeline: string | null): string {
  return `flowctl.editor.draft:${pipeline ?? "(new)"}`;
}

/** The draft under `key`, or undefined when none or not a draft. */
export function readDraft(storage: Pick<Storage, "getItem">, key: string): EditorDraft | undefined {
  let raw: string | null;
  try {
    raw = storage.getItem(key);
  } catch {
    return undefined; // storage disabled: nothing to offer
  }
  if (raw === null) return undefined;
  try {
    const r = draftSchema.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Stores a draft; false when the browser refused (quota, private mode). */
export function writeDraft(storage: Pick<Storage, "setItem">, key: string, draft: { text: string; layout: EditorLayout; baseVersionId: string | null; at: Date }): boolean {
  const value: EditorDraft = { format: "flowctl.editor.draft/v1", text: draft.text, layout: draft.layout, baseVersionId: draft.baseVersionId, savedAt: draft.at.toISOString() };
  try {
    storage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

/** Removes the draft (after a save, or when the user discards it). */
export function clearDraft(storage: Pick<Storage, "removeItem">, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // storage disabled: there is nothing stored to remove
  }
}
