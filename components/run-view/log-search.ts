/** Log search (pure): which lines match, and moving between matches with wrap-around. */

/** Indexes of lines containing `query` (case-insensitive); none for an empty query. */
export function matchingLines(lines: readonly string[], query: string): number[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const out: number[] = [];
  lines.forEach((l, i) => {
    if (l.toLowerCase().includes(q)) out.push(i);
  });
  return out;
}

/** The next (or previous) position in `matches` from `current`, wrapping; -1 when none. */
export function stepMatch(matches: readonly number[], current: number, direction: 1 | -1): number {
  if (matches.length === 0) return -1;
  if (current < 0) return direction === 1 ? 0 : matches.length - 1;
  return (current + direction + matches.length) % matches.length;
}

/** Severity a log line announces (`ERROR`, `WARN`, `level=error`, JSON `"level":"warn"`), if any. */
export function logLevelOf(line: string): "error" | "warn" | null {
  if (/\b(ERROR|FATAL|PANIC)\b|level[=":]+\s*"?(error|fatal)|^Error:/i.test(line)) return "error";
  if (/\bWARN(ING)?\b|level[=":]+\s*"?warn/i.test(line)) return "warn";
  return null;
}
