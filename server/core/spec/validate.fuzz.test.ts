/**
 * Property test: random mutations of the valid fixtures — keys deleted, duplicated, retyped or
 * renamed, ids swapped, text truncated, garbage injected — never make `validate` throw, and
 * every diagnostic it returns is well-formed with a real position.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { DIAGNOSTIC_CODES, isDiagnosticCode, loadPipeline, validate, type Diagnostic } from "./index";

// FLOWCTL_FUZZ_RUNS raises the run count for a deeper local search; the default keeps CI fast.
const RUNS = Number(process.env.FLOWCTL_FUZZ_RUNS ?? 700);
// Generous: the runs take well under a second alone, but CI shares 2 cores with other suites.
const TIMEOUT_MS = 60_000 + RUNS * 10;
const DIR = path.join(import.meta.dirname, "__fixtures__", "valid");
const TEXTS = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => readFileSync(path.join(DIR, f), "utf8"));

type Json = unknown;
type Path = (string | number)[];

function allPaths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...allPaths(v, [...prefix, i])));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...allPaths(v, [...prefix, k]));
  return out;
}

function parentOf(root: Json, p: Path): Record<string | number, Json> | undefined {
  let cur: Json = root;
  for (const seg of p.slice(0, -1)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, Json>)[seg];
  }
  return cur !== null && typeof cur === "object" ? (cur as Record<string | number, Json>) : undefined;
}

/** A structural mutation: which path (by index into all paths) and what to do there. */
type TreeMutation =
  | { kind: "delete"; at: number }
  | { kind: "retype"; at: number; value: Json }
  | { kind: "rename"; at: number; name: string }
  | { kind: "duplicate"; at: number }
  | { kind: "swap-ids"; a: number; b: number };

type TextMutation = { kind: "truncate"; at: number } | { kind: "inject"; at: number; garbage: string } | { kind: "drop-line"; at: number } | { kind: "dup-line"; at: number };

const scalarOrJunk = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 70000, 1e9, "", "no", "~", "a b", "ID", "src", "@", "1x", "512MB", "flowctl/v1"),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxKeys: 3 }),
);

const treeMutation: fc.Arbitrary<TreeMutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("retype" as const), at: fc.nat(), value: scalarOrJunk }),
  fc.record({ kind: fc.constant("rename" as const), at: fc.nat(), name: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("inptus", "id", "type", "__proto__", "constructor", "comand")) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swap-ids" as const), a: fc.nat(), b: fc.nat() }),
);

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("inject" as const), at: fc.nat(), garbage: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("\t", ": :", "[", "{", "- ", "&a", "*a", "!!binary", "---\n", "%YAML 1.1\n", "\u0000", "'", "\"")) }),
  fc.record({ kind: fc.constant("drop-line" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("dup-line" as const), at: fc.nat() }),
);

function applyTree(root: Json, m: TreeMutation): void {
  const paths = allPaths(root).filter((p) => p.length > 0);
  if (paths.length === 0) return;
  if (m.kind === "swap-ids") {
    const ids = paths.filter((p) => p[p.length - 1] === "id");
    if (ids.length < 2) return;
    const pa = ids[m.a % ids.length]!;
    const pb = ids[m.b % ids.length]!;
    const a = parentOf(root, pa)!;
    const b = parentOf(root, pb)!;
    [a.id, b.id] = [b.id, a.id];
    return;
  }
  const p = paths[m.at % paths.length]!;
  const parent = parentOf(root, p);
  if (!parent) return;
  const key = p[p.length - 1]!;
  if (m.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (m.kind === "retype") {
    parent[key] = m.value;
  } else if (m.kind === "rename" && !Array.isArray(parent)) {
    const v = parent[key];
    delete parent[key];
    Object.defineProperty(parent, m.name, { value: v, enumerable: true, configurable: true, writable: true });
  } else if (m.kind === "duplicate" && Array.isArray(parent)) {
    parent.splice(Number(key), 0, structuredClone(parent[Number(key)]));
  }
}

function applyText(text: string, m: TextMutation): string {
  const at = text.length === 0 ? 0 : m.at % text.length;
  if (m.kind === "truncate") return text.slice(0, at);
  if (m.kind === "inject") return text.slice(0, at) + m.garbage + text.slice(at);
  const lines = text.split("\n");
  const i = lines.length === 0 ? 0 : m.at % lines.length;
  if (m.kind === "drop-line") lines.splice(i, 1);
  else lines.splice(i, 0, lines[i] ?? "");
  return lines.join("\n");
}

function assertWellFormed(text: string, diags: Diagnostic[]): void {
  const lineCount = text.split("\n").length;
  for (const d of diags) {
    expect(["error", "warning", "hint"]).toContain(d.severity);
    expect(isDiagnosticCode(d.code), d.code).toBe(true);
    if (isDiagnosticCode(d.code)) expect(d.severity).toBe(DIAGNOSTIC_CODES[d.code].severity);
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.message).not.toMatch(/\n\s+at /); // never a stack trace
    expect(Number.isInteger(d.line) && d.line >= 1 && d.line <= lineCount + 1).toBe(true);
    expect(Number.isInteger(d.column) && d.column >= 1).toBe(true);
  }
}

describe("validate under random mutations", () => {
  it("never throws on structurally mutated pipelines and positions every diagnostic", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEXTS), fc.array(treeMutation, { minLength: 1, maxLength: 4 }), (text, mutations) => {
        const doc = parse(text) as Json;
        for (const m of mutations) applyTree(doc, m);
        const mutated = stringify(doc);
        const diags = validate(mutated, { file: "fuzz.yaml" });
        assertWellFormed(mutated, diags);
        const loaded = loadPipeline(mutated);
        if (loaded.pipeline) expect(loaded.diagnostics.some((d) => d.severity === "error")).toBe(false);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it("never throws on textually mutated pipelines (truncation, garbage, dropped or repeated lines)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEXTS), fc.array(textMutation, { minLength: 1, maxLength: 3 }), (text, mutations) => {
        const mutated = mutations.reduce(applyText, text);
        assertWellFormed(mutated, validate(mutated));
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        assertWellFormed(text, validate(text));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  }, TIMEOUT_MS);
});
