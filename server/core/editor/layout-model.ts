/**
 * Where nodes sit on the canvas. Positions are presentation, not pipeline: they live in a layout
 * map stored next to each saved version (never in the YAML, which the CLI, the engine and `git
 * diff` read), keyed by component id. A layout is parsed with {@link parseLayout} wherever it
 * comes in (storage, API, a browser draft); ids it names that the pipeline lacks are harmless and
 * dropped by {@link pruneLayout} on save.
 */
import { z } from "zod";

/** Top-left corner of a node, in canvas units. */
export interface Position {
  x: number;
  y: number;
}

const positionSchema = z.object({ x: z.number().finite(), y: z.number().finite() });

/** The stored shape of a layout (versioned so it can evolve without breaking old versions). */
export const layoutSchema = z.object({
  version: z.literal(1),
  positions: z.record(z.string(), positionSchema),
});

/** Positions by component id. */
export type EditorLayout = z.infer<typeof layoutSchema>;

/** A layout with no positions (every node gets placed by auto-layout). */
export function emptyLayout(): EditorLayout {
  return { version: 1, positions: {} };
}

/** Result of {@link parseLayout}: the layout, or what is wrong with the stored value. */
export type ParsedLayout = { ok: true; layout: EditorLayout } | { ok: false; errors: { path: string; message: string }[] };

/** Validates a stored layout (JSON already decoded); problems are listed with their field path. */
export function parseLayout(value: unknown): ParsedLayout {
  const r = layoutSchema.safeParse(value);
  if (r.success) return { ok: true, layout: r.data };
  return { ok: false, errors: r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) };
}

/** A copy of `layout` with `positions` merged in. */
export function withPositions(layout: EditorLayout, positions: Readonly<Record<string, Position>>): EditorLayout {
  return { version: 1, positions: { ...layout.positions, ...positions } };
}

/** A copy without the given ids. */
export function withoutIds(layout: EditorLayout, ids: Iterable<string>): EditorLayout {
  const positions = { ...layout.positions };
  for (const id of ids) delete positions[id];
  return { version: 1, positions };
}

/** A copy with `from`'s position moved to `to` (a rename). */
export function renamedIn(layout: EditorLayout, from: string, to: string): EditorLayout {
  const { [from]: pos, ...rest } = layout.positions;
  return { version: 1, positions: pos ? { ...rest, [to]: pos } : rest };
}

/** Only the positions of ids that exist (what gets saved with a version). */
export function pruneLayout(layout: EditorLayout, ids: Iterable<string>): EditorLayout {
  const keep = new Set(ids);
  return { version: 1, positions: Object.fromEntries(Object.entries(layout.positions).filter(([id]) => keep.has(id))) };
}
