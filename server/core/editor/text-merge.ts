/**
 * Keeps a graph edit from touching lines it did not change. The `yaml` library re-emits a whole
 * Document in its own style (`[ a ]` vs `[a]`, comment spacing, long lines), so the text of an
 * edited Document is not the user's file with the edit applied. This is a three-way merge:
 * base = the Document serialised before the edit, theirs = serialised after, ours = the user's
 * text. Lines the edit did not change keep the user's bytes; edited lines come from the
 * serialisation, keeping the user's spacing when the user's version of that line differed only in
 * whitespace; where the user's formatting and the edit overlap otherwise, the edit wins there.
 */
import { diffSequences, splitLines, type Hunk } from "./line-diff";

interface SidedHunk extends Hunk {
  side: "ours" | "theirs";
}

/** The user's text with the change `before → after` applied; untouched lines are byte-identical. */
export function mergeEdit(original: string, before: string, after: string): string {
  return mergeEditDetailed(original, before, after).text;
}

/** What {@link mergeEditDetailed} knows about how the user's restyling met the edit. */
export interface MergeResult {
  text: string;
  /** The restyling and the edit overlap, or only blank and comment lines separate them. */
  adjacent: boolean;
  /**
   * Every restyled line is the serialised line with other spacing at the same indentation, or an
   * added blank or comment line: then no mix of the two can change the YAML's structure.
   */
  restyleOnly: boolean;
}

/**
 * {@link mergeEdit}, also saying how the user's restyling met the edit. The result needs reading
 * back only when they are `adjacent` and not `restyleOnly`: YAML structure is indentation (and
 * line breaks in flow collections), a restyle that re-indents a block changes every structural
 * line of it and so touches any edit inside, and same-indentation spacing changes mean the same
 * wherever they land.
 */
export function mergeEditDetailed(original: string, before: string, after: string): MergeResult {
  if (before === after) return { text: original, adjacent: false, restyleOnly: true };
  if (original === before) return { text: after, adjacent: false, restyleOnly: true };
  const o = splitLines(original);
  const b = splitLines(before);
  const a = splitLines(after);
  let adjacent = false;
  let restyleOnly = true;
  const lines = merge3(b, o, a, {
    onHunks: (ours, theirs) => {
      adjacent = touching(ours, theirs, b);
      restyleOnly = lineByLine(ours, "ours").every((h) => spacingOnly(h, o, b));
    },
    oursFirst: true,
    split: true,
    region: (region) => {
      // One line both restyled by the user and edited: merge it again, character by character.
      if (region.length !== 2) return undefined;
      const ours = region.find((h) => h.side === "ours");
      const theirs = region.find((h) => h.side === "theirs");
      if (!ours || !theirs || !oneLine(ours) || !oneLine(theirs) || ours.aStart !== theirs.aStart) return undefined;
      const user = o[ours.bStart]!;
      const base = b[ours.aStart]!;
      if (user.replace(/\s+/g, "") !== base.replace(/\s+/g, "")) return undefined;
      return [merge3([...base], [...user], [...a[theirs.bStart]!], { oursFirst: false, split: false }).join("")];
    },
  });
  const text = lines.join("\n");
  return { text: text === "" ? text : text + (original.endsWith("\n") || original === "" ? "\n" : ""), adjacent, restyleOnly };
}

const isComment = (line: string) => line.trim() === "" || line.trimStart().startsWith("#");
const indentOf = (line: string) => /^\s*/.exec(line)![0];

/** A restyle hunk that only adds blank/comment lines, or respaces one line at its indentation. */
function spacingOnly(h: Hunk, user: readonly string[], base: readonly string[]): boolean {
  if (h.aStart === h.aEnd) return user.slice(h.bStart, h.bEnd).every(isComment);
  if (h.aEnd - h.aStart !== 1 || h.bEnd - h.bStart !== 1) return false;
  const u = user[h.bStart]!;
  const b = base[h.aStart]!;
  return indentOf(u) === indentOf(b) && u.replace(/\s+/g, "") === b.replace(/\s+/g, "");
}

/** Whether some edit hunk overlaps a restyle hunk or is separated from one by blank/comment lines only. */
function touching(ours: readonly Hunk[], theirs: readonly Hunk[], base: readonly string[]): boolean {
  const structural = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const line = base[i]!.trim();
      if (line !== "" && !line.startsWith("#")) return true;
    }
    return false;
  };
  let j = 0;
  for (const t of theirs) {
    while (j < ours.length && ours[j]!.aEnd < t.aStart && structural(ours[j]!.aEnd, t.aStart)) j++;
    // ours[j] is the first restyle not cut off before t; it touches unless a structural line follows t first.
    if (j < ours.length && (ours[j]!.aStart <= t.aEnd || !structural(t.aEnd, ours[j]!.aStart))) return true;
  }
  return false;
}

function oneLine(h: Hunk): boolean {
  return h.aEnd - h.aStart === 1 && h.bEnd - h.bStart === 1;
}

interface Merge3Options {
  /** At one point, ours' insertion goes before theirs' (lines) or after (characters). */
  oursFirst: boolean;
  /** Split n-for-n replacements into n one-item changes (see {@link lineByLine}). */
  split: boolean;
  /** Resolves a conflicting region itself; undefined = the edit (theirs) wins. */
  region?: (hunks: readonly SidedHunk[]) => string[] | undefined;
  /** Sees both sides' hunks (against the base) before merging. */
  onHunks?: (ours: readonly Hunk[], theirs: readonly Hunk[]) => void;
}

/** Three-way merge of token lists; on conflict theirs wins unless `region` resolves it. */
function merge3(base: readonly string[], ours: readonly string[], theirs: readonly string[], opts: Merge3Options): string[] {
  const sided = (hunks: Hunk[], side: SidedHunk["side"]) => (opts.split ? lineByLine(hunks, side) : hunks.map((h) => ({ ...h, side })));
  const oursHunks = diffSequences(base, ours);
  const theirsHunks = diffSequences(base, theirs);
  opts.onHunks?.(oursHunks, theirsHunks);
  const hunks = [...sided(oursHunks, "ours"), ...sided(theirsHunks, "theirs")];
  const first = opts.oursFirst ? "ours" : "theirs";
  // By position; at one point an insertion goes before a replacement.
  hunks.sort((x, y) => x.aStart - y.aStart || isInsert(y) - isInsert(x) || (x.side === first ? -1 : 1));
  const out: string[] = [];
  let bi = 0;
  for (let i = 0; i < hunks.length; ) {
    const region: SidedHunk[] = [hunks[i]!];
    let start = hunks[i]!.aStart;
    let end = hunks[i]!.aEnd;
    for (i++; i < hunks.length && conflicts(hunks[i]!, start, end); i++) {
      region.push(hunks[i]!);
      start = Math.min(start, hunks[i]!.aStart);
      end = Math.max(end, hunks[i]!.aEnd);
    }
    out.push(...base.slice(bi, start));
    bi = end;
    const sides = new Set(region.map((h) => h.side));
    const resolved = sides.size === 2 ? opts.region?.(region) : undefined;
    if (resolved !== undefined) {
      out.push(...resolved);
      continue;
    }
    const winner = sides.has("theirs") ? "theirs" : "ours";
    const tokens = winner === "theirs" ? theirs : ours;
    let cursor = start;
    for (const h of region) {
      if (h.side !== winner) continue;
      out.push(...base.slice(cursor, h.aStart), ...tokens.slice(h.bStart, h.bEnd));
      cursor = h.aEnd;
    }
    out.push(...base.slice(cursor, end));
  }
  out.push(...base.slice(bi));
  return out;
}

/**
 * A hunk replacing n lines by n lines is n one-line changes: restyling (ours) and edits (theirs)
 * are mostly line-for-line, and splitting them keeps an edit next to a restyled line from
 * overwriting the user's version of that neighbour.
 */
function lineByLine(hunks: readonly Hunk[], side: SidedHunk["side"]): SidedHunk[] {
  const out: SidedHunk[] = [];
  for (const h of hunks) {
    const n = h.aEnd - h.aStart;
    if (n > 1 && n === h.bEnd - h.bStart) {
      for (let i = 0; i < n; i++) out.push({ aStart: h.aStart + i, aEnd: h.aStart + i + 1, bStart: h.bStart + i, bEnd: h.bStart + i + 1, side });
    } else {
      out.push({ ...h, side });
    }
  }
  return out;
}

function isInsert(h: Hunk): number {
  return h.aStart === h.aEnd ? 1 : 0;
}

/**
 * Whether hunk `h` must be resolved together with the region `[start, end)`: they share a base
 * item, or an insertion falls strictly inside the other. Insertions at the same point, or at a
 * region's boundary, do not conflict: ours are lines the serialiser drops (blank lines,
 * comments), so keeping both is safe.
 */
function conflicts(h: Hunk, start: number, end: number): boolean {
  if (h.aStart === h.aEnd) return h.aStart > start && h.aStart < end;
  if (start === end) return start > h.aStart && start < h.aEnd;
  return h.aStart < end && start < h.aEnd;
}
