import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffLines, diffSequences, groupDiff, splitLines, type Hunk } from "./line-diff";

/** Length of a longest common subsequence by dynamic programming: the reference Myers must match. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(row[j]!, row[j - 1]!);
      diag = up;
    }
  }
  return row[b.length]!;
}

function apply(a: readonly string[], b: readonly string[], hunks: Hunk[]): string[] {
  const out: string[] = [];
  let ai = 0;
  for (const h of hunks) {
    out.push(...a.slice(ai, h.aStart), ...b.slice(h.bStart, h.bEnd));
    ai = h.aEnd;
  }
  return [...out, ...a.slice(ai)];
}

const lines = fc.array(fc.constantFrom("a", "b", "c", "d", "- id: x", ""), { maxLength: 40 });

describe("diffSequences", () => {
  it("turns a into b with a minimal edit (the kept lines are a longest common subsequence)", () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const hunks = diffSequences(a, b);
        expect(apply(a, b, hunks)).toEqual(b);
        const removed = hunks.reduce((s, h) => s + h.aEnd - h.aStart, 0);
        expect(a.length - removed).toBe(lcsLength(a, b));
        for (let i = 1; i < hunks.length; i++) expect(hunks[i]!.aStart).toBeGreaterThan(hunks[i - 1]!.aEnd - 1);
      }),
      { numRuns: 400 },
    );
  });

  it("reports nothing for equal input and one hunk for an insertion", () => {
    expect(diffSequences(["x", "y"], ["x", "y"])).toEqual([]);
    expect(diffSequences(["x", "z"], ["x", "y", "z"])).toEqual([{ aStart: 1, aEnd: 1, bStart: 1, bEnd: 2 }]);
    expect(diffSequences([], ["a"])).toEqual([{ aStart: 0, aEnd: 0, bStart: 0, bEnd: 1 }]);
    expect(diffSequences(["a"], [])).toEqual([{ aStart: 0, aEnd: 1, bStart: 0, bEnd: 0 }]);
  });

  it("diffs two large, mostly equal texts", () => {
    const a = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    const b = [...a];
    b.splice(2500, 1, "changed");
    b.push("appended");
    expect(diffSequences(a, b)).toEqual([
      { aStart: 2500, aEnd: 2501, bStart: 2500, bEnd: 2501 },
      { aStart: 5000, aEnd: 5000, bStart: 5000, bEnd: 5001 },
    ]);
  });
});

describe("diffLines", () => {
  it("numbers lines on both sides", () => {
    expect(diffLines("a\nb\nc\n", "a\nB\nc\nd\n")).toEqual([
      { op: "equal", text: "a", oldLine: 1, newLine: 1 },
      { op: "remove", text: "b", oldLine: 2 },
      { op: "add", text: "B", newLine: 2 },
      { op: "equal", text: "c", oldLine: 3, newLine: 3 },
      { op: "add", text: "d", newLine: 4 },
    ]);
  });

  it("ignores the final newline and CRLF line ends", () => {
    expect(splitLines("a\r\nb\r\n")).toEqual(["a", "b"]);
    expect(diffLines("a\n", "a").every((l) => l.op === "equal")).toBe(true);
  });

  it("groups changes with their context", () => {
    const old = Array.from({ length: 20 }, (_, i) => `l${i}`).join("\n");
    const next = old.replace("l2\n", "x2\n").replace("l17\n", "x17\n");
    const groups = groupDiff(diffLines(old, next), 1);
    expect(groups.map((g) => g.map((l) => `${l.op[0]}${l.text}`))).toEqual([
      ["el1", "rl2", "ax2", "el3"],
      ["el16", "rl17", "ax17", "el18"],
    ]);
  });
});
