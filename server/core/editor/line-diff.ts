/**
 * Line diff: Myers' O((N+M)·D) algorithm in linear space (middle snake, divide and conquer), so
 * two 3 000-line versions that differ in a few places diff in well under a millisecond and two
 * unrelated files still finish without quadratic memory. Used by the version diff and by the
 * three-way merge that keeps a graph edit from reformatting untouched lines (text-merge.ts).
 */

/** `a[aStart, aEnd)` is replaced by `b[bStart, bEnd)`; an empty side is a pure insert or delete. */
export interface Hunk {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/** One line of a rendered diff: unchanged, added or removed, with its 1-based line numbers. */
export interface DiffLine {
  op: "equal" | "add" | "remove";
  text: string;
  /** Line number in the old text (equal and remove). */
  oldLine?: number;
  /** Line number in the new text (equal and add). */
  newLine?: number;
}

/** Interns lines as small integers so the inner loop compares numbers, not strings. */
function intern(a: readonly string[], b: readonly string[]): [Int32Array, Int32Array] {
  const ids = new Map<string, number>();
  const toIds = (lines: readonly string[]) => {
    const out = new Int32Array(lines.length);
    lines.forEach((line, i) => {
      let id = ids.get(line);
      if (id === undefined) ids.set(line, (id = ids.size));
      out[i] = id;
    });
    return out;
  };
  return [toIds(a), toIds(b)];
}

/**
 * The hunks turning `a` into `b`, in order, non-overlapping, with a minimal number of inserted
 * plus deleted lines (a longest common subsequence is kept).
 */
export function diffSequences(a: readonly string[], b: readonly string[]): Hunk[] {
  const [x, y] = intern(a, b);
  const size = 2 * (x.length + y.length) + 4;
  const vf = new Int32Array(size);
  const vb = new Int32Array(size);
  const matches: number[] = []; // flat pairs: aIndex, bIndex of each kept line, increasing
  collectMatches(x, 0, x.length, y, 0, y.length, vf, vb, matches);
  const hunks: Hunk[] = [];
  let ai = 0;
  let bi = 0;
  for (let i = 0; i <= matches.length; i += 2) {
    const am = i < matches.length ? matches[i]! : x.length;
    const bm = i < matches.length ? matches[i + 1]! : y.length;
    if (am > ai || bm > bi) hunks.push({ aStart: ai, aEnd: am, bStart: bi, bEnd: bm });
    ai = am + 1;
    bi = bm + 1;
  }
  return hunks;
}

function collectMatches(a: Int32Array, aLo: number, aHi: number, b: Int32Array, bLo: number, bHi: number, vf: Int32Array, vb: Int32Array, out: number[]): void {
  // Common prefix and suffix never need the search, and trimming them guarantees progress below.
  const prefixStart = aLo;
  while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) {
    aLo++;
    bLo++;
  }
  for (let i = prefixStart; i < aLo; i++) out.push(i, bLo - (aLo - i));
  let suffix = 0;
  while (aHi - suffix > aLo && bHi - suffix > bLo && a[aHi - suffix - 1] === b[bHi - suffix - 1]) suffix++;
  aHi -= suffix;
  bHi -= suffix;
  if (aLo < aHi && bLo < bHi) {
    const snake = middleSnake(a, aLo, aHi, b, bLo, bHi, vf, vb);
    const [sx, sy, ex, ey] = snake;
    // An empty snake at a corner would recurse on the same range; the searches never return one
    // once prefix and suffix are trimmed, but a whole replace is the safe answer if they did.
    const stuck = ex === sx && ((sx === aHi && sy === bHi) || (sx === aLo && sy === bLo));
    if (!stuck) {
      collectMatches(a, aLo, sx, b, bLo, sy, vf, vb, out);
      for (let i = 0; i < ex - sx; i++) out.push(sx + i, sy + i);
      collectMatches(a, ex, aHi, b, ey, bHi, vf, vb, out);
    }
  }
  for (let i = 0; i < suffix; i++) out.push(aHi + i, bHi + i);
}

/**
 * The middle snake of an optimal edit path of `a[aLo,aHi)` → `b[bLo,bHi)` as absolute
 * `[startA, startB, endA, endB]` (Myers 1986, §4b): forward and reverse searches meet on it.
 */
function middleSnake(a: Int32Array, aLo: number, aHi: number, b: Int32Array, bLo: number, bHi: number, vf: Int32Array, vb: Int32Array): [number, number, number, number] {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const delta = n - m;
  const odd = (delta & 1) !== 0;
  const max = Math.ceil((n + m) / 2);
  const off = max + 1;
  vf[off + 1] = 0;
  vb[off + 1] = 0;
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && vf[off + k - 1]! < vf[off + k + 1]!) ? vf[off + k + 1]! : vf[off + k - 1]! + 1;
      let y = x - k;
      const x0 = x;
      const y0 = y;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      vf[off + k] = x;
      const rk = delta - k; // the same diagonal seen from the end
      if (odd && rk >= -(d - 1) && rk <= d - 1 && x + vb[off + rk]! >= n) return [aLo + x0, bLo + y0, aLo + x, bLo + y];
    }
    for (let k = -d; k <= d; k += 2) {
      // Reverse search on the reversed sequences: x counts lines consumed from the end.
      let x = k === -d || (k !== d && vb[off + k - 1]! < vb[off + k + 1]!) ? vb[off + k + 1]! : vb[off + k - 1]! + 1;
      let y = x - k;
      const x0 = x;
      const y0 = y;
      while (x < n && y < m && a[aHi - 1 - x] === b[bHi - 1 - y]) {
        x++;
        y++;
      }
      vb[off + k] = x;
      const fk = delta - k;
      if (!odd && fk >= -d && fk <= d && x + vf[off + fk]! >= n) return [aHi - x, bHi - y, aHi - x0, bHi - y0];
    }
  }
  // Unreachable for non-empty ranges (the searches always meet by d = max); whole replace is safe.
  return [aLo, bLo, aHi, bHi];
}

/** Splits text into lines without their terminators; a final newline adds no empty line. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Every line of `oldText` and `newText` marked equal, removed or added, in reading order. */
export function diffLines(oldText: string, newText: string): DiffLine[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const out: DiffLine[] = [];
  let ai = 0;
  let bi = 0;
  const equalUntil = (aEnd: number) => {
    for (; ai < aEnd; ai++, bi++) out.push({ op: "equal", text: a[ai]!, oldLine: ai + 1, newLine: bi + 1 });
  };
  for (const h of diffSequences(a, b)) {
    equalUntil(h.aStart);
    for (; ai < h.aEnd; ai++) out.push({ op: "remove", text: a[ai]!, oldLine: ai + 1 });
    for (; bi < h.bEnd; bi++) out.push({ op: "add", text: b[bi]!, newLine: bi + 1 });
  }
  equalUntil(a.length);
  return out;
}

/** Changed lines with `context` unchanged lines around each change; runs further apart are separate groups. */
export function groupDiff(lines: readonly DiffLine[], context = 3): DiffLine[][] {
  const changed = lines.map((l) => l.op !== "equal");
  const keep = lines.map((_, i) => {
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) if (changed[j]) return true;
    return false;
  });
  const groups: DiffLine[][] = [];
  let cur: DiffLine[] | undefined;
  lines.forEach((line, i) => {
    if (!keep[i]) {
      cur = undefined;
      return;
    }
    if (!cur) groups.push((cur = []));
    cur.push(line);
  });
  return groups;
}
