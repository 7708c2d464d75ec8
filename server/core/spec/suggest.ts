/** "Did you mean …?": nearest candidate by edit distance, for mistyped keys, ids and types. */

/**
 * Edit distance with adjacent transpositions (optimal string alignment): insert, delete,
 * substitute and swapping two neighbouring letters all cost 1, because `bacth` is one slip of the
 * fingers from `batch`, not two.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  // Rows i-2, i-1 and i of the distance matrix.
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      cur[j] = d;
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

// hostPath / host-path / HOST_PATH all mean host_path: compare case- and separator-insensitively first.
const normalise = (s: string) => s.toLowerCase().replace(/[-_]/g, "");

/**
 * The candidate closest to `word`, or undefined when none is plausibly a typo of it
 * (distance ≤ 2, and ≤ a third of the word for short words).
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const norm = normalise(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const d = normalise(c) === norm ? 0 : editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.min(2, Math.max(1, Math.floor(word.length / 3)));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** `; did you mean "x"?` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const m = closestMatch(word, candidates);
  return m === undefined ? "" : `; did you mean "${m}"?`;
}
