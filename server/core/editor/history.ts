/**
 * Undo/redo over snapshots. Every action — graph edit, form edit, YAML typing, move, layout — is
 * recorded as the state after it, so undo works the same whatever made the change (inverse ops
 * could not undo free YAML typing). Bounded: at most `limit` entries and `maxBytes` of snapshot
 * size; on overflow the oldest entries are dropped. Rapid changes with the same coalesce key
 * (typing in one place, dragging the same nodes) within `coalesceMs` of each other merge into one
 * undo step. Immutable: every function returns a new history, so it fits a reducer.
 */

/** One recorded state. */
export interface HistoryEntry<S> {
  state: S;
  /** What produced it ("connect gen → work", "YAML edit"), for the undo menu. */
  label: string;
  /** Entries with the same key close together in time merge (see {@link recordChange}). */
  coalesceKey?: string;
  /** When it was recorded (ms; the caller's clock). */
  at: number;
  /** Bytes it holds, for the `maxBytes` bound. */
  size: number;
}

/** Bounds and coalescing of a history. */
export interface HistoryOptions {
  /** Undo steps kept. @default 200 */
  limit?: number;
  /** Total snapshot bytes kept (past + present + future). @default 32 MiB */
  maxBytes?: number;
  /** Merge window for changes with the same coalesce key. @default 1000 */
  coalesceMs?: number;
}

/** The undo stack (`past`, oldest first), the present state and the redo stack (`future`, next first). */
export interface History<S> {
  past: HistoryEntry<S>[];
  present: HistoryEntry<S>;
  future: HistoryEntry<S>[];
  options: Required<HistoryOptions>;
}

const DEFAULTS: Required<HistoryOptions> = { limit: 200, maxBytes: 32 * 1024 * 1024, coalesceMs: 1000 };

/** A history whose present is `state`. */
export function createHistory<S>(state: S, opts: HistoryOptions & { label?: string; at?: number; size?: number } = {}): History<S> {
  const options = { ...DEFAULTS, ...definedOnly(opts) };
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError(`history limit must be an integer ≥ 1, got ${options.limit}`);
  return { past: [], present: { state, label: opts.label ?? "open", at: opts.at ?? 0, size: opts.size ?? 0 }, future: [], options };
}

function definedOnly(o: HistoryOptions): HistoryOptions {
  const out: HistoryOptions = {};
  if (o.limit !== undefined) out.limit = o.limit;
  if (o.maxBytes !== undefined) out.maxBytes = o.maxBytes;
  if (o.coalesceMs !== undefined) out.coalesceMs = o.coalesceMs;
  return out;
}

/**
 * Records `state` as the new present. The redo stack is cleared. When `coalesceKey` equals the
 * present's and the present was recorded less than `coalesceMs` ago, the present is replaced
 * instead of pushed, so one undo reverts the whole burst.
 */
export function recordChange<S>(h: History<S>, state: S, meta: { label: string; at: number; size?: number; coalesceKey?: string }): History<S> {
  const entry: HistoryEntry<S> = { state, label: meta.label, at: meta.at, size: meta.size ?? 0, ...(meta.coalesceKey !== undefined ? { coalesceKey: meta.coalesceKey } : {}) };
  const merge = meta.coalesceKey !== undefined && h.present.coalesceKey === meta.coalesceKey && meta.at - h.present.at <= h.options.coalesceMs;
  const past = merge ? h.past : [...h.past, h.present];
  return trim({ past, present: entry, future: [], options: h.options });
}

/** Drops the oldest undo steps until both bounds hold (the present is always kept). */
function trim<S>(h: History<S>): History<S> {
  let past = h.past;
  if (past.length > h.options.limit) past = past.slice(past.length - h.options.limit);
  let bytes = past.reduce((s, e) => s + e.size, 0) + h.present.size + h.future.reduce((s, e) => s + e.size, 0);
  let drop = 0;
  while (bytes > h.options.maxBytes && drop < past.length) bytes -= past[drop++]!.size;
  return drop > 0 || past !== h.past ? { ...h, past: past.slice(drop) } : h;
}

/** Whether there is something to undo / redo. */
export function canUndo(h: History<unknown>): boolean {
  return h.past.length > 0;
}
export function canRedo(h: History<unknown>): boolean {
  return h.future.length > 0;
}

/** Steps back one entry (a no-op at the oldest state). Never coalesces with what comes next. */
export function undo<S>(h: History<S>): History<S> {
  const prev = h.past[h.past.length - 1];
  if (!prev) return h;
  return { past: h.past.slice(0, -1), present: uncoalescable(prev), future: [h.present, ...h.future], options: h.options };
}

/** Steps forward one entry (a no-op when nothing was undone). */
export function redo<S>(h: History<S>): History<S> {
  const next = h.future[0];
  if (!next) return h;
  return { past: [...h.past, h.present], present: uncoalescable(next), future: h.future.slice(1), options: h.options };
}

/** After undo/redo the next change is a new step, even with the same key soon after. */
function uncoalescable<S>(e: HistoryEntry<S>): HistoryEntry<S> {
  const { coalesceKey: _key, ...rest } = e;
  return rest;
}
