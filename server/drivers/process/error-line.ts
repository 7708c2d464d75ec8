/**
 * The line that says why a component failed, picked from the last lines it printed: a start
 * failure is reported with this one line instead of the tail of a stack trace (which is mostly
 * frames and Node's version banner).
 */

const FRAME = /^\s+at\s/;
/** `Error: …`, `TypeError [ERR_X]: …`, `Uncaught …Exception: …`, or an SDK/flowctl `ERROR` log line. */
const ERROR_LIKE = /^\s*(Uncaught\s+)?([A-Z]\w*)?(Error|Exception)\b(\s*\[[^\]]+\])?:|\bERROR\b|\bFATAL\b|\bpanic:/;
const NOISE = /^(Node\.js v\d+|\s*\^+\s*|\s*[{}]\s*|\s*$)/;

/**
 * The first line of the last error in `lines` (a Node uncaught exception: the line just above its
 * stack frames, up to the blank line before it), else the last error-looking line, else the last
 * line that is not noise (blank, Node's version banner, a caret marker). Undefined for no output.
 */
export function errorLine(lines: readonly string[]): string | undefined {
  const lastFrame = findLastIndex(lines, (l) => FRAME.test(l));
  if (lastFrame >= 0) {
    let first = lastFrame;
    while (first > 0 && FRAME.test(lines[first - 1]!)) first--;
    // The message sits above the frames; a multi-line message starts after the blank line above it.
    let top = first - 1;
    while (top > 0 && lines[top - 1]!.trim() !== "" && !FRAME.test(lines[top - 1]!)) top--;
    if (top >= 0 && lines[top]!.trim() !== "") return lines[top]!.trim();
  }
  const errorIdx = findLastIndex(lines, (l) => ERROR_LIKE.test(l));
  if (errorIdx >= 0) return lines[errorIdx]!.trim();
  const last = findLastIndex(lines, (l) => !NOISE.test(l) && !FRAME.test(l));
  return last >= 0 ? lines[last]!.trim() : undefined;
}

function findLastIndex<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i]!)) return i;
  return -1;
}
