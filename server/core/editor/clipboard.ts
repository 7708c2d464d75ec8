/**
 * Copy and paste of components. A copy is plain data (the system clipboard carries it as JSON);
 * a paste gives every component a free id and keeps the edges between pasted components,
 * renamed along; inputs pointing outside the pasted set are dropped, as a canvas copy of a
 * selection only carries the selection's own edges.
 */
import type { Document } from "yaml";
import type { ComponentRole } from "../spec/index";
import { uniqueId } from "./component-edits";
import { clipboardSchema, type Clipboard } from "./edit-op";
import type { EditorLayout, Position } from "./layout-model";
import { componentsByKey } from "./yaml-document";

/** The clipboard for the components with graph ids `ids` (unknown ids are skipped). */
export function copyComponents(doc: Document, layout: EditorLayout, ids: readonly string[]): Clipboard {
  const refs = componentsByKey(doc);
  const components: Clipboard["components"] = [];
  for (const id of ids) {
    const ref = refs.get(id);
    if (!ref) continue;
    const position = layout.positions[id];
    components.push({ role: ref.role, component: ref.node.toJSON() as Record<string, unknown>, ...(position ? { position } : {}) });
  }
  return { format: "flowctl.editor.clipboard/v1", components };
}

/** Result of {@link parseClipboard}: the clipboard, or why the pasted text is not one. */
export type ParsedClipboard = { ok: true; clipboard: Clipboard } | { ok: false; message: string };

/** Reads clipboard text (JSON) pasted from anywhere; anything else is refused with the reason. */
export function parseClipboard(text: string): ParsedClipboard {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: "the clipboard does not hold copied components (not JSON)" };
  }
  const r = clipboardSchema.safeParse(value);
  if (r.success) return { ok: true, clipboard: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, message: `the clipboard does not hold copied components: ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}` };
}

/** What a paste adds: components with fresh ids and remapped inputs, and their positions. */
export interface PastePlan {
  components: { role: ComponentRole; data: Record<string, unknown> }[];
  positions: Record<string, Position>;
}

/** Plans a paste into a pipeline whose ids are `taken`; positions are shifted by `offset`. */
export function clipboardPlan(clipboard: Clipboard, taken: ReadonlySet<string>, offset: Position): PastePlan {
  const used = new Set(taken);
  const renamed = new Map<string, string>();
  const ids = clipboard.components.map((c) => {
    const original = typeof c.component.id === "string" ? c.component.id : "";
    const id = uniqueId(original || c.role, used, c.role);
    used.add(id);
    if (original !== "" && !renamed.has(original)) renamed.set(original, id);
    return id;
  });
  const positions: Record<string, Position> = {};
  const components = clipboard.components.map((c, i) => {
    const { id: _id, inputs, ...rest } = c.component;
    const kept = Array.isArray(inputs) ? [...new Set(inputs.flatMap((x) => (typeof x === "string" && renamed.has(x) ? [renamed.get(x)!] : [])))] : [];
    const data: Record<string, unknown> = { id: ids[i]!, ...(c.role !== "source" && kept.length > 0 ? { inputs: kept } : {}), ...rest };
    // Key order as written: id first, then the rest as copied, with inputs where they were.
    const ordered = Object.keys(c.component).includes("inputs") ? reorder(data, Object.keys(c.component)) : data;
    if (c.position) positions[ids[i]!] = { x: c.position.x + offset.x, y: c.position.y + offset.y };
    return { role: c.role, data: ordered };
  });
  return { components, positions };
}

function reorder(data: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ["id", ...order]) if (key in data && !(key in out)) out[key] = data[key];
  for (const key of Object.keys(data)) if (!(key in out)) out[key] = data[key];
  return out;
}
