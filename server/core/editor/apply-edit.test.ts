import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validate } from "../spec/index";
import { COMMENTED_PIPELINE } from "./__fixtures__/commented";
import { applyEdit } from "./apply-edit";
import { copyComponents, parseClipboard } from "./clipboard";
import type { EditOp } from "./edit-op";
import { dispatch, openSession, sessionDocument, type EditorSession } from "./editor-session";
import { emptyLayout } from "./layout-model";
import { diffLines } from "./line-diff";
import { parsePipelineDocument } from "./yaml-document";

/** Exactly which lines an edit removed and added: every other line is byte-identical. */
function changes(before: string, after: string): { removed: string[]; added: string[] } {
  const lines = diffLines(before, after);
  return { removed: lines.filter((l) => l.op === "remove").map((l) => l.text), added: lines.filter((l) => l.op === "add").map((l) => l.text) };
}

function edit(session: EditorSession, op: EditOp): EditorSession {
  const r = dispatch(session, { type: "edit", op, at: 0 });
  expect(r.error).toBeUndefined();
  return r.session;
}

function refused(session: EditorSession, op: EditOp): string {
  const r = dispatch(session, { type: "edit", op, at: 0 });
  expect(r.session).toBe(session);
  return r.error!.code;
}

const open = () => openSession(COMMENTED_PIPELINE);
const spec = (s: EditorSession) => (parse(s.text) as { spec: Record<string, Record<string, unknown>[]> }).spec;

describe("graph edits keep every other line of a commented file byte-identical", () => {
  it("connect appends to the flow list on that one line", () => {
    const s = edit(open(), { kind: "connect", from: "enrich", to: "audit" });
    expect(changes(COMMENTED_PIPELINE, s.text)).toEqual({ removed: ["      inputs: [work]"], added: ["      inputs: [work, enrich]"] });
  });

  it("connect into a block list adds one item line", () => {
    const s = edit(open(), { kind: "connect", from: "enrich", to: "archive" });
    expect(changes(COMMENTED_PIPELINE, s.text)).toEqual({ removed: [], added: ["        - enrich"] });
  });

  it("disconnect removes the input; the last one removes the key", () => {
    let s = edit(open(), { kind: "connect", from: "enrich", to: "audit" });
    s = edit(s, { kind: "disconnect", from: "work", to: "audit" });
    expect(changes(COMMENTED_PIPELINE, s.text)).toEqual({ removed: ["      inputs: [work]"], added: ["      inputs: [enrich]"] });
    s = edit(s, { kind: "disconnect", from: "enrich", to: "audit" });
    expect(changes(COMMENTED_PIPELINE, s.text)).toEqual({ removed: ["      inputs: [work]"], added: [] });
  });

  it("add appends the component with the catalogue's defaults, at the end of its list", () => {
    const s = edit(open(), { kind: "add-component", role: "sink", origin: { kind: "builtin", name: "blackhole" }, inputs: ["work"], position: { x: 5, y: 6 } });
    expect(changes(COMMENTED_PIPELINE, s.text)).toEqual({
      removed: [],
      added: ["    - id: blackhole", "      type: blackhole", "      inputs: [work]", "      env:", "        DELAY_MS: 0", "        BATCH_DELAY_MS: 0"],
    });
    expect(s.text.endsWith("      inputs: [work]\n    - id: blackhole\n      type: blackhole\n      inputs: [work]\n      env:\n        DELAY_MS: 0\n        BATCH_DELAY_MS: 0\n# trailing comment\n")).toBe(true);
    expect(s.layout.positions.blackhole).toEqual({ x: 5, y: 6 });
    expect(validate(s.text).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("delete removes the component's lines and every reference to it", () => {
    const s = edit(open(), { kind: "delete", nodes: ["work"] });
    expect(changes(COMMENTED_PIPELINE, s.text)).toEqual({
      removed: ["    - id: work", "      type: passthrough", "      inputs: [enrich]", "      replicas: 2 # scaled", "      inputs:", "        - work", "      inputs: [work]"],
      added: [],
    });
    expect(s.graph.edges.map((e) => e.id)).toEqual(["gen->enrich"]);
  });

  it("rename changes the id and every input naming it, nothing else", () => {
    const s = edit(open(), { kind: "rename", id: "work", newId: "worker" });
    expect(changes(COMMENTED_PIPELINE, s.text)).toEqual({
      removed: ["    - id: work", "        - work", "      inputs: [work]"],
      added: ["    - id: worker", "        - worker", "      inputs: [worker]"],
    });
  });

  it("set-field keeps the scalar's comment, its spacing and quoting; new fields are added under the component", () => {
    let s = edit(open(), { kind: "set-field", id: "archive", path: ["env", "FILE_PATH"], value: "out/all.jsonl" });
    expect(changes(COMMENTED_PIPELINE, s.text)).toEqual({ removed: ['        FILE_PATH: "out/orders.jsonl"   # relative to this file'], added: ['        FILE_PATH: "out/all.jsonl"   # relative to this file'] });
    s = edit(open(), { kind: "set-field", id: "work", path: ["replicas"], value: 4 });
    expect(changes(COMMENTED_PIPELINE, s.text)).toEqual({ removed: ["      replicas: 2 # scaled"], added: ["      replicas: 4 # scaled"] });
    s = edit(open(), { kind: "set-field", id: "audit", path: ["queue", "capacity"], value: 5000 });
    expect(changes(COMMENTED_PIPELINE, s.text)).toEqual({ removed: [], added: ["      queue:", "        capacity: 5000"] });
    s = edit(open(), { kind: "set-field", id: "gen", path: ["env", "EVENT_TYPE"], value: "order.v1" });
    expect(changes(COMMENTED_PIPELINE, s.text)).toEqual({
      removed: ["      env: { EVENTS_PER_SECOND: 1000, EVENT_COUNT: 10000 }"],
      added: ["      env: { EVENTS_PER_SECOND: 1000, EVENT_COUNT: 10000, EVENT_TYPE: order.v1 }"],
    });
    s = edit(open(), { kind: "set-field", id: "work", path: ["command"], value: ["node", "w.mjs"] });
    expect(spec(s).processors![1]!.command).toEqual(["node", "w.mjs"]);
    expect(changes(COMMENTED_PIPELINE, s.text).added).toEqual(["      command: [node, w.mjs]"]);
  });

  it("covers every inspector field: partition key, restart policy, resources, batch, image and args", () => {
    let s = open();
    const fields: [string[], string | number | string[]][] = [
      [["partition_key"], "id"],
      [["restart_policy"], "always"],
      [["resources", "limits", "cpu"], "500m"],
      [["batch", "size"], 500],
      [["queue", "policy"], "drop_oldest"],
      [["args"], ["--fast"]],
    ];
    for (const [path, value] of fields) s = edit(s, { kind: "set-field", id: "work", path, value });
    const work = spec(s).processors![1]!;
    expect(work).toMatchObject({ partition_key: "id", restart_policy: "always", resources: { limits: { cpu: "500m" } }, batch: { size: 500 }, queue: { policy: "drop_oldest" }, args: ["--fast"] });
  });

  it("unset-field removes a field and the mappings it empties; rename-key renames in place", () => {
    let s = edit(open(), { kind: "unset-field", id: "archive", path: ["env", "FILE_PATH"] });
    expect(changes(COMMENTED_PIPELINE, s.text).removed).toEqual(["      env:", '        FILE_PATH: "out/orders.jsonl"   # relative to this file']);
    s = edit(open(), { kind: "rename-key", id: "gen", path: ["env"], from: "EVENT_COUNT", to: "DURATION_SECONDS" });
    expect(changes(COMMENTED_PIPELINE, s.text).added).toEqual(["      env: { EVENTS_PER_SECOND: 1000, DURATION_SECONDS: 10000 }"]);
  });

  it("move and auto-layout change positions only, never the text", () => {
    let s = edit(open(), { kind: "move", positions: { gen: { x: 1, y: 2 } } });
    expect(s.text).toBe(COMMENTED_PIPELINE);
    expect(s.graph.nodes.find((n) => n.id === "gen")!.position).toEqual({ x: 1, y: 2 });
    s = edit(s, { kind: "auto-layout" });
    expect(s.text).toBe(COMMENTED_PIPELINE);
    expect(s.layout.positions.gen!.x).toBeLessThan(s.layout.positions.audit!.x);
  });
});

describe("paste", () => {
  it("makes ids unique and keeps only the edges inside the pasted set", () => {
    const s0 = open();
    const clip = copyComponents(sessionDocument(s0), s0.layout, ["enrich", "work"]);
    const parsed = parseClipboard(JSON.stringify(clip));
    expect(parsed.ok).toBe(true);
    const s = edit(s0, { kind: "paste", clipboard: clip, offset: { x: 10, y: 0 } });
    const procs = spec(s).processors!;
    expect(procs.map((p) => p.id)).toEqual(["enrich", "work", "enrich-2", "work-2"]);
    expect(procs[2]!.inputs).toBeUndefined(); // gen was outside the copy
    expect(procs[3]!.inputs).toEqual(["enrich-2"]);
    expect(s.layout.positions["work-2"]).toEqual({ x: s0.layout.positions.work!.x + 10, y: s0.layout.positions.work!.y });
    expect(s.history.present.label).toBe("paste 2 component(s)");
    // Pasting again numbers on.
    const again = edit(s, { kind: "paste", clipboard: clip });
    expect(spec(again).processors!.map((p) => p.id).slice(4)).toEqual(["enrich-3", "work-3"]);
  });

  it("refuses text that is not a clipboard, naming the field", () => {
    expect(parseClipboard("hello")).toEqual({ ok: false, message: "the clipboard does not hold copied components (not JSON)" });
    const r = parseClipboard(JSON.stringify({ format: "flowctl.editor.clipboard/v1", components: [{ role: "router", component: {} }] }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/components\.0\.role/);
  });
});

describe("refused edits change nothing and say why", () => {
  it("connection rules", () => {
    const s = open();
    expect(refused(s, { kind: "connect", from: "audit", to: "work" })).toBe("connect.out-of-sink");
    expect(refused(s, { kind: "connect", from: "work", to: "gen" })).toBe("connect.into-source");
    expect(refused(s, { kind: "connect", from: "work", to: "enrich" })).toBe("connect.cycle");
    expect(refused(s, { kind: "connect", from: "gen", to: "enrich" })).toBe("connect.duplicate");
    expect(refused(s, { kind: "connect", from: "work", to: "work" })).toBe("connect.self-loop");
  });

  it("ids, fields and unknown components", () => {
    const s = open();
    expect(refused(s, { kind: "rename", id: "work", newId: "Work" })).toBe("id.invalid");
    expect(refused(s, { kind: "rename", id: "work", newId: "gen" })).toBe("id.duplicate");
    expect(refused(s, { kind: "rename", id: "nope", newId: "x" })).toBe("node.not-found");
    expect(refused(s, { kind: "set-field", id: "work", path: ["id"], value: "x" })).toBe("field.reserved");
    expect(refused(s, { kind: "set-field", id: "work", path: ["inputs"], value: [] })).toBe("field.reserved");
    expect(refused(s, { kind: "set-field", id: "work", path: ["replicas", "x"], value: 1 })).toBe("field.not-a-mapping");
    expect(refused(s, { kind: "unset-field", id: "work", path: ["env", "NOPE"] })).toBe("key.not-found");
    expect(refused(s, { kind: "rename-key", id: "gen", path: ["env"], from: "EVENT_COUNT", to: "EVENTS_PER_SECOND" })).toBe("key.duplicate");
    expect(refused(s, { kind: "add-component", role: "sink", origin: { kind: "builtin", name: "passthrough" } })).toBe("builtin.wrong-role");
    expect(refused(s, { kind: "add-component", role: "sink", origin: { kind: "builtin", name: "kafka" } })).toBe("builtin.unknown");
    expect(refused(s, { kind: "add-component", role: "source", origin: { kind: "builtin", name: "load-generator" }, inputs: ["gen"] })).toBe("connect.into-source");
    expect(refused(s, { kind: "delete", nodes: ["work", "ghost"] })).toBe("node.not-found");
    expect(refused(s, { kind: "delete", edges: [{ from: "gen", to: "work" }] })).toBe("edge.not-found");
    expect(refused(s, { kind: "move", positions: { ghost: { x: 0, y: 0 } } })).toBe("node.not-found");
  });

  it("a refused op leaves the Document untouched even when called directly", () => {
    const doc = parsePipelineDocument(COMMENTED_PIPELINE);
    const r = applyEdit(doc, emptyLayout(), { kind: "delete", nodes: ["work", "ghost"] });
    expect(r.ok).toBe(false);
    expect(doc.toString({ lineWidth: 0 })).toBe(parsePipelineDocument(COMMENTED_PIPELINE).toString({ lineWidth: 0 }));
  });
});

describe("building a pipeline from nothing", () => {
  it("adds the role lists in file order and creates inputs", () => {
    let s = openSession("apiVersion: flowctl/v1\nkind: Pipeline\nmetadata:\n  name: fresh\nspec: {}\n");
    s = edit(s, { kind: "add-component", role: "sink", origin: { kind: "builtin", name: "file" }, env: { FILE_PATH: "out.jsonl" } });
    s = edit(s, { kind: "add-component", role: "source", origin: { kind: "builtin", name: "load-generator" }, withDefaults: false });
    s = edit(s, { kind: "add-component", role: "processor", origin: { kind: "command", command: ["node", "x.mjs"] } });
    s = edit(s, { kind: "connect", from: "load-generator", to: "processor" });
    s = edit(s, { kind: "connect", from: "processor", to: "file" });
    expect(Object.keys(spec(s))).toEqual(["sources", "processors", "sinks"]);
    expect(validate(s.text).filter((d) => d.severity === "error")).toEqual([]);
    expect(s.text).toContain("    - id: load-generator\n      type: load-generator\n");
    expect(s.graph.edges.map((e) => e.id)).toEqual(["load-generator->processor", "processor->file"]);
    // Every node got a position when added; auto-layout then puts sources left of sinks.
    expect(Object.keys(s.layout.positions).sort()).toEqual(["file", "load-generator", "processor"]);
    s = edit(s, { kind: "auto-layout" });
    expect(s.layout.positions["load-generator"]!.x).toBeLessThan(s.layout.positions.processor!.x);
    expect(s.layout.positions.processor!.x).toBeLessThan(s.layout.positions.file!.x);
  });

  it("adds a database sink with batching so it is not flagged unbatched", () => {
    let s = openSession("apiVersion: flowctl/v1\nkind: Pipeline\nmetadata: { name: db }\nspec:\n  sources: []\n");
    s = edit(s, { kind: "add-component", role: "source", origin: { kind: "builtin", name: "load-generator" } });
    s = edit(s, { kind: "add-component", role: "sink", origin: { kind: "builtin", name: "postgres" }, inputs: ["load-generator"] });
    expect(spec(s).sinks![0]!.batch).toEqual({ size: 100, flush_interval_ms: 100 });
    expect(validate(s.text).map((d) => d.code)).not.toContain("tuning.unbatched-database-sink");
  });

  it("gives an id to a component that has none", () => {
    let s = openSession("apiVersion: flowctl/v1\nkind: Pipeline\nmetadata: { name: x }\nspec:\n  sources:\n    - type: load-generator\n");
    expect(s.graph.nodes[0]!.id).toBe("#spec.sources[0]");
    s = edit(s, { kind: "rename", id: "#spec.sources[0]", newId: "gen" });
    expect(s.text).toContain("    - id: gen\n      type: load-generator\n");
  });
});
