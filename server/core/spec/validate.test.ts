import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_CODES, hasErrors, isDiagnosticCode, loadPipeline, validate, type Diagnostic } from "./index";

const FIXTURES = path.join(import.meta.dirname, "__fixtures__");
const read = (dir: string, file: string) => readFileSync(path.join(FIXTURES, dir, file), "utf8");
const yamlFiles = (dir: string) => readdirSync(path.join(FIXTURES, dir)).filter((f) => f.endsWith(".yaml")).sort();
const codes = (diags: Diagnostic[]) => diags.map((d) => d.code);

/** Warnings and hints the valid fixtures are expected to produce (and nothing else). */
const EXPECTED_NON_ERRORS: Record<string, string[]> = {
  "go-spec-a-starter.yaml": ["component.needs-container-driver", "component.needs-container-driver", "component.needs-container-driver", "tuning.unbatched-database-sink"],
  "go-spec-b-fan-out.yaml": ["tuning.unbatched-database-sink"],
  "go-spec-c-container.yaml": ["replicas.unordered", "spec.pipelines-not-run"],
};

describe("valid fixtures (performance guide, flowctl topologies, upstream examples)", () => {
  const files = yamlFiles("valid");

  it("covers every documented topology", () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(files)("%s validates with no errors and only the expected warnings", (file) => {
    const diags = validate(read("valid", file), { file });
    expect(diags.filter((d) => d.severity === "error")).toEqual([]);
    expect(codes(diags).sort()).toEqual((EXPECTED_NON_ERRORS[file] ?? []).sort());
  });

  it.each(files)("%s loads into a compiled pipeline", (file) => {
    const loaded = loadPipeline(read("valid", file), { file });
    expect(loaded.pipeline).toBeDefined();
    expect(loaded.pipeline!.components.length).toBeGreaterThan(0);
    for (const c of loaded.pipeline!.components) expect(c.queue.capacity).toBeGreaterThan(0);
  });
});

interface Expectation {
  code: string;
  line: number;
  column: number;
  also: string[];
}

/** Each broken fixture states its rule on its first lines: `# expect: <code> at <line>:<col>` (+ `# also: …`). */
function expectationOf(text: string): Expectation {
  const m = /^# expect: (\S+) at (\d+):(\d+)/.exec(text);
  if (!m) throw new Error("fixture has no '# expect:' header");
  const also = (/^# also: (.*)$/m.exec(text)?.[1] ?? "").split(/\s+/).filter(Boolean);
  return { code: m[1]!, line: Number(m[2]), column: Number(m[3]), also };
}

describe("broken fixtures, one per rule", () => {
  const files = yamlFiles("invalid");

  it("has at least 30 broken files covering distinct rules", () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    const distinct = new Set(files.map((f) => expectationOf(read("invalid", f)).code));
    expect(distinct.size).toBeGreaterThanOrEqual(30);
  });

  it.each(files)("%s reports its rule at the stated line and column", (file) => {
    const text = read("invalid", file);
    const want = expectationOf(text);
    const diags = validate(text, { file });
    const hit = diags.find((d) => d.code === want.code);
    expect(hit, `codes reported: ${codes(diags).join(", ")}`).toBeDefined();
    expect({ code: hit!.code, line: hit!.line, column: hit!.column }).toEqual({ code: want.code, line: want.line, column: want.column });
    expect(hit!.message.length).toBeGreaterThan(10);
    expect(hit!.file).toBe(file);
    // No cascade: the only errors are the rule under test and the consequences the fixture declares.
    const errorCodes = new Set(diags.filter((d) => d.severity === "error").map((d) => d.code));
    for (const c of errorCodes) expect([want.code, ...want.also]).toContain(c);
    for (const c of want.also) expect(errorCodes).toContain(c);
  });
});

const BASE = `apiVersion: flowctl/v1
kind: Pipeline
metadata:
  name: t
spec:
  sources:
    - id: src
      type: load-generator
  sinks:
    - id: out
      type: blackhole
      inputs: [src]
`;

describe("validate", () => {
  it("returns nothing for a clean pipeline", () => {
    expect(validate(BASE)).toEqual([]);
  });

  it("reports every YAML syntax error with its own position", () => {
    const text = "apiVersion: flowctl/v1\nkind: [Pipeline\nmetadata:\n  name: a\n  name: b\nspec: {x: 1\n";
    const diags = validate(text);
    const syntax = diags.filter((d) => d.code.startsWith("yaml."));
    expect(syntax.length).toBeGreaterThanOrEqual(2);
    expect(new Set(syntax.map((d) => `${d.line}:${d.column}`)).size).toBe(syntax.length);
    for (const d of syntax) expect(d.message).not.toMatch(/\n|at .*\.ts/);
  });

  it("prints the cycle path in the message", () => {
    const text = BASE.replace(
      "  sinks:",
      "  processors:\n    - { id: a, type: passthrough, inputs: [src, c] }\n    - { id: b, type: passthrough, inputs: [a] }\n    - { id: c, type: passthrough, inputs: [b] }\n  sinks:",
    );
    const cycle = validate(text).filter((d) => d.code === "graph.cycle");
    expect(cycle).toHaveLength(1);
    expect(cycle[0]!.message).toContain("a → b → c → a");
  });

  it("reports independent problems together instead of stopping at the first", () => {
    const text = BASE.replace("name: t", "name: t\n  colour: red").replace("type: blackhole", "type: blackhol").replace("inputs: [src]", "inputs: [srcc]");
    const got = codes(validate(text));
    expect(got).toEqual(expect.arrayContaining(["key.unknown", "component.unresolved-type", "graph.unknown-input"]));
  });

  it("suggests the closest key, id and built-in name", () => {
    const text = BASE.replace("inputs: [src]", "inptus: [src]").replace("type: load-generator", "type: load-generatr");
    const diags = validate(text);
    expect(diags.find((d) => d.code === "key.unknown")!.message).toContain('did you mean "inputs"');
    expect(diags.find((d) => d.code === "component.unresolved-type")!.message).toContain('did you mean "load-generator"');
    expect(diags.find((d) => d.code === "graph.missing-inputs")!.fix).toBe('rename "inptus" to "inputs"');
  });

  it("counts a swap of two neighbouring letters as one typo, so short keys get a suggestion too", () => {
    const text = BASE.replace("inputs: [src]", "inputs: [src]\n      bacth: { size: 5 }");
    const unknown = validate(text).find((d) => d.code === "key.unknown")!;
    expect(unknown.message).toContain('unknown key "bacth"');
    expect(unknown.message).toContain('did you mean "batch"');
    expect(unknown.fix).toBe('rename "bacth" to "batch"');
  });

  it("points a missing required field at its mistyped key and says which key to rename", () => {
    const diags = validate(BASE.replace("metadata:", "metdata:").replace("    - id: src", "    - idd: src"));
    expect(diags.find((d) => d.code === "metadata.name-missing")).toMatchObject({ line: 3, column: 1, fix: 'rename "metdata" to "metadata"' });
    expect(diags.find((d) => d.code === "id.missing")).toMatchObject({ line: 7, column: 7, fix: 'rename "idd" to "id"' });
  });

  it("derives allowed keys from the schema, so additions like queue and batch are known", () => {
    const text = BASE.replace("inputs: [src]", "inputs: [src]\n      queue: { capacity: 10, policy: drop_oldest }\n      batch: { size: 5, flush_interval_ms: 10 }");
    expect(validate(text)).toEqual([]);
  });

  it("stringifies YAML numbers and booleans in env instead of rejecting them", () => {
    const loaded = loadPipeline(BASE.replace("type: load-generator", "type: load-generator\n      env: { EVENTS_PER_SECOND: 500, PRETTY: true, EMPTY: null }"));
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.pipeline!.components[0]!.env).toMatchObject({ EVENTS_PER_SECOND: "500", PRETTY: "true", EMPTY: "" });
  });

  it("sorts diagnostics by position and stamps the file on each", () => {
    const text = BASE.replace("type: blackhole", "type: nope").replace("apiVersion: flowctl/v1", "apiVersion: x");
    const diags = validate(text, { file: "flow.yml" });
    expect(diags.map((d) => d.line)).toEqual([...diags.map((d) => d.line)].sort((a, b) => a - b));
    for (const d of diags) expect(d.file).toBe("flow.yml");
  });

  it("accepts flowctl's unquoted `no` restart policy as a string (YAML 1.2)", () => {
    expect(validate(BASE + "      restart_policy: no\n")).toEqual([]);
  });
});

describe("loadPipeline", () => {
  it("compiles only when there are no errors", () => {
    const ok = loadPipeline(BASE);
    expect(ok.pipeline?.components.map((c) => [c.id, c.role, c.builtin])).toEqual([
      ["src", "source", "load-generator"],
      ["out", "sink", "blackhole"],
    ]);
    const bad = loadPipeline(BASE.replace("inputs: [src]", "inputs: [nope]"));
    expect(bad.pipeline).toBeUndefined();
    expect(bad.spec).toBeDefined();
    expect(hasErrors(bad.diagnostics)).toBe(true);
  });

  it("keeps warnings but still compiles", () => {
    const loaded = loadPipeline(BASE.replace("name: t", "name: t\n  owner: me"));
    expect(loaded.pipeline).toBeDefined();
    expect(codes(loaded.diagnostics)).toEqual(["key.unknown"]);
  });

  it("applies queue defaults and carries batch and partition_key", () => {
    const loaded = loadPipeline(BASE.replace("inputs: [src]", "inputs: [src]\n      replicas: 2\n      partition_key: id\n      batch: { size: 50 }"));
    const sink = loaded.pipeline!.components[1]!;
    expect(sink.queue).toEqual({ capacity: 1000, maxBytes: 64 * 1024 * 1024, policy: "block" });
    const bounded = loadPipeline(BASE.replace("inputs: [src]", "inputs: [src]\n      queue: { max_bytes: 2Mi }")).pipeline!.components[1]!;
    expect(bounded.queue.maxBytes).toBe(2 * 1024 * 1024);
    expect(codes(validate(BASE.replace("inputs: [src]", "inputs: [src]\n      queue: { max_bytes: 2 MB }")))).toContain("schema.format");
    expect(sink.batch).toEqual({ size: 50, flushIntervalMs: 100 });
    expect(sink.partitionKey).toBe("id");
    expect(sink.replicas).toBe(2);
  });
});

describe("diagnostic code catalogue", () => {
  const doc = readFileSync(path.join(import.meta.dirname, "../../../docs/validation.md"), "utf8");

  it.each(Object.keys(DIAGNOSTIC_CODES))("documents %s in docs/validation.md", (code) => {
    expect(doc).toContain(`### \`${code}\``);
  });

  it("emits only catalogued codes, each with its catalogued severity", () => {
    for (const file of yamlFiles("invalid")) {
      for (const d of validate(read("invalid", file))) {
        expect(isDiagnosticCode(d.code), `${file}: ${d.code}`).toBe(true);
        if (isDiagnosticCode(d.code)) expect(d.severity, `${file}: ${d.code}`).toBe(DIAGNOSTIC_CODES[d.code].severity);
      }
    }
  });
});
