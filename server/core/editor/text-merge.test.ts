import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMENTED_PIPELINE } from "./__fixtures__/commented";
import { applyEdit } from "./apply-edit";
import type { EditOp } from "./edit-op";
import { emptyLayout } from "./layout-model";
import { isDeepStrictEqual } from "./deep-equal";
import { mergeEdit, mergeEditDetailed } from "./text-merge";
import { detectStyle, parsePipelineDocument } from "./yaml-document";

describe("mergeEdit", () => {
  it("returns the edit's text when the user's text is the serialisation, and the user's text for a no-op", () => {
    expect(mergeEdit("a\nb\n", "a\nb\n", "a\nc\n")).toBe("a\nc\n");
    expect(mergeEdit("a  # x\nb\n", "a # x\nb\n", "a # x\nb\n")).toBe("a  # x\nb\n");
  });

  it("keeps restyled lines the edit did not touch, and the user's spacing on an edited line", () => {
    const user = "k: [ a ]   # note\nx: 1\ny: { p: 1 }\n";
    const base = "k: [a] # note\nx: 1\ny: {p: 1}\n";
    const after = "k: [a] # note\nx: 2\ny: {p: 1, q: 2}\n";
    expect(mergeEdit(user, base, after)).toBe("k: [ a ]   # note\nx: 2\ny: { p: 1, q: 2 }\n");
  });

  it("keeps blank lines and comments the serialiser dropped next to an insertion", () => {
    const user = "a: 1\n\n\nb: 2\n";
    const base = "a: 1\n\nb: 2\n";
    const after = "a: 1\n\nb: 2\nc: 3\n";
    expect(mergeEdit(user, base, after)).toBe("a: 1\n\n\nb: 2\nc: 3\n");
  });

  it("lets the edit win where it rewrites lines the user restyled differently", () => {
    const user = "list:\n  - a\n  -   b\n";
    const base = "list:\n  - a\n  - b\n";
    const after = "list: [a, b, c]\n";
    expect(mergeEdit(user, base, after)).toBe("list: [a, b, c]\n");
  });

  it("says when the restyle and the edit touch (only then is the result re-read)", () => {
    const base = "a: 1\nb: 2\n# note\n\nc: 3\nd: 4\n";
    const user = "a: 1   # x\nb: 2\n# note\n\nc: 3\nd: 4\n";
    expect(mergeEditDetailed(user, base, base.replace("d: 4", "d: 5")).adjacent).toBe(false);
    expect(mergeEditDetailed(user, base, base.replace("b: 2", "b: 5")).adjacent).toBe(true);
    // Only a comment and a blank line between them: touching.
    expect(mergeEditDetailed(user.replace("a: 1   # x\nb: 2", "a: 1\nb: 2   # x"), base, base.replace("c: 3", "c: 5")).adjacent).toBe(true);
    expect(mergeEditDetailed(base, base, base.replace("c: 3", "c: 5")).adjacent).toBe(false);
  });

  it("keeps a missing final newline", () => {
    expect(mergeEdit("a: 1 # c\nb: 2", "a: 1 # c\nb: 2\n", "a: 1 # c\nb: 3\n")).toBe("a: 1 # c\nb: 3");
  });
});

/** Restyles a serialised pipeline the way people write: extra spaces, padded brackets, blank lines, comments. */
const restyle = (text: string, seed: number[]): string =>
  text
    .split("\n")
    .flatMap((line, i) => {
      const r = seed[i % seed.length]!;
      let out = line;
      if (r % 5 === 1) out = out.replace(/ # /, "    # ");
      if (r % 5 === 2 && /^\s*(inputs|command|args): \[/.test(out)) out = out.replace(/\[([^\]\s][^\]]*)\]/, "[ $1 ]");
      if (r % 5 === 3 && /^\s*(env|labels|batch): \{/.test(out)) out = out.replace(/\{([^}\s][^}]*)\}/, "{ $1 }");
      if (r % 7 === 3 && line.trim() !== "" && !line.trimStart().startsWith("-")) return [out, ""];
      if (r % 11 === 4 && /^\s*- id:/.test(line)) return [`${line.match(/^\s*/)![0]}# a comment`, out];
      // Re-indenting: a line moved deeper, or a flow list written as a block list.
      if (r % 13 === 5 && /^\s+- id:/.test(line)) return [`  ${out}`];
      if (r % 17 === 6 && /^\s*inputs: \[[^\],]+\]/.test(out)) {
        const [, indent, item] = /^(\s*)inputs: \[\s*([^\]\s]+)\s*\]/.exec(out)!;
        return [`${indent}inputs:`, `${indent}  - ${item}`];
      }
      return [out];
    })
    .join("\n");

const ops: EditOp[] = [
  { kind: "connect", from: "enrich", to: "audit" },
  { kind: "connect", from: "gen", to: "archive" },
  { kind: "disconnect", from: "work", to: "audit" },
  { kind: "delete", nodes: ["enrich"] },
  { kind: "delete", nodes: ["audit"] },
  { kind: "rename", id: "work", newId: "worker" },
  { kind: "rename", id: "gen", newId: "source-a" },
  { kind: "set-field", id: "work", path: ["replicas"], value: 3 },
  { kind: "set-field", id: "archive", path: ["env", "FILE_PATH"], value: "x.jsonl" },
  { kind: "set-field", id: "gen", path: ["env", "EVENT_TYPE"], value: "t.v1" },
  { kind: "unset-field", id: "archive", path: ["batch"] },
  { kind: "add-component", role: "processor", origin: { kind: "builtin", name: "passthrough" }, inputs: ["gen"] },
  { kind: "add-component", role: "sink", origin: { kind: "image", image: "ghcr.io/x/sink:1" }, inputs: ["work"] },
];

describe("mergeEdit on restyled pipelines", () => {
  it("yields exactly the edited Document's content whenever it says no re-read is needed", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 30 }), fc.array(fc.constantFrom(...ops), { minLength: 1, maxLength: 4 }), (seed, edits) => {
        const doc = parsePipelineDocument(COMMENTED_PIPELINE);
        const style = detectStyle(COMMENTED_PIPELINE);
        let user = restyle(doc.toString(style), seed);
        let same: unknown;
        try {
          same = parse(user);
        } catch {
          return; // a re-indent the generator made invalid: not a file a user has
        }
        if (!isDeepStrictEqual(same, doc.toJS())) return;
        for (const op of edits) {
          const before = doc.toString(style);
          if (!applyEdit(doc, emptyLayout(), op).ok) continue;
          const after = doc.toString(style);
          const merged = mergeEditDetailed(user, before, after);
          // Only a merge the session re-reads may be wrong; then it uses the Document's text.
          const needsCheck = merged.adjacent && !merged.restyleOnly;
          let ok = false;
          try {
            ok = isDeepStrictEqual(parse(merged.text), doc.toJS());
          } catch {
            ok = false;
          }
          if (!needsCheck) expect(ok).toBe(true);
          user = ok ? merged.text : after;
        }
      }),
      { numRuns: 60 },
    );
  }, 30_000);
});
