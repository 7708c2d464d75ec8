import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMENTED_PIPELINE } from "./__fixtures__/commented";
import { parseLayout } from "./layout-model";
import { dispatch, openSession, sessionDocument, type EditorAction, type EditorSession } from "./editor-session";

function run(session: EditorSession, ...actions: EditorAction[]): EditorSession {
  for (const action of actions) {
    const r = dispatch(session, action);
    expect(r.error).toBeUndefined();
    session = r.session;
  }
  return session;
}

const ids = (s: EditorSession) => s.graph.nodes.map((n) => n.id);
const edges = (s: EditorSession) => s.graph.edges.map((e) => e.id);

describe("editor session", () => {
  it("opens a file: graph, positions for every node, nothing to undo", () => {
    const s = openSession(COMMENTED_PIPELINE);
    expect(ids(s)).toEqual(["gen", "enrich", "work", "archive", "audit"]);
    expect(edges(s)).toEqual(["gen->enrich", "enrich->work", "work->archive", "work->audit"]);
    expect(s.graph.nodes.every((n) => n.position !== undefined)).toBe(true);
    expect(s.history.past).toEqual([]);
    expect(s.yamlError).toBeUndefined();
  });

  it("undoes and redoes every kind of action back to the exact text and layout", () => {
    const s0 = openSession(COMMENTED_PIPELINE);
    const steps: EditorAction[] = [
      { type: "edit", op: { kind: "add-component", role: "sink", origin: { kind: "builtin", name: "stdout" }, inputs: ["enrich"] }, at: 10_000 },
      { type: "edit", op: { kind: "connect", from: "gen", to: "stdout" }, at: 20_000 },
      { type: "edit", op: { kind: "move", positions: { gen: { x: -500, y: 0 } } }, at: 30_000 },
      { type: "edit", op: { kind: "set-field", id: "work", path: ["replicas"], value: 8 }, at: 40_000 },
      { type: "set-text", text: COMMENTED_PIPELINE.replace("name: orders", "name: orders-v2"), at: 50_000 },
      { type: "edit", op: { kind: "rename", id: "audit", newId: "audit-log" }, at: 60_000 },
      { type: "edit", op: { kind: "delete", nodes: ["enrich"] }, at: 70_000 },
      { type: "edit", op: { kind: "auto-layout" }, at: 80_000 },
    ];
    const states = [s0];
    for (const step of steps) states.push(run(states[states.length - 1]!, step));
    let s = states[states.length - 1]!;
    for (let i = states.length - 2; i >= 0; i--) {
      s = run(s, { type: "undo" });
      expect(s.text).toBe(states[i]!.text);
      expect(s.layout).toEqual(states[i]!.layout);
      expect(ids(s)).toEqual(ids(states[i]!));
    }
    for (let i = 1; i < states.length; i++) {
      s = run(s, { type: "redo" });
      expect(s.text).toBe(states[i]!.text);
      expect(s.layout).toEqual(states[i]!.layout);
    }
    expect(s.history.past.map((e) => e.label)).toEqual([
      "open",
      "add stdout",
      "connect gen → stdout",
      "move gen",
      "set work replicas",
      "YAML edit",
      "rename audit to audit-log",
      "delete enrich",
    ]);
  });

  it("coalesces rapid typing in the YAML panel and rapid inspector edits into one undo step", () => {
    let s = openSession(COMMENTED_PIPELINE);
    const base = COMMENTED_PIPELINE.replace("name: orders", "name: X");
    for (const [i, name] of ["o", "or", "ord"].entries()) s = run(s, { type: "set-text", text: base.replace("X", name), at: 1000 + i * 200 });
    for (const [i, v] of ["o", "ou", "out.jsonl"].entries()) s = run(s, { type: "edit", op: { kind: "set-field", id: "archive", path: ["env", "FILE_PATH"], value: v }, at: 5000 + i * 200 });
    expect(s.history.past.length).toBe(2);
    s = run(s, { type: "undo" });
    expect(s.text).toBe(base.replace("X", "ord"));
    s = run(s, { type: "undo" });
    expect(s.text).toBe(COMMENTED_PIPELINE);
  });

  it("keeps an import (a labelled set-text) as its own step, apart from typing right after it", () => {
    let s = openSession(COMMENTED_PIPELINE);
    const imported = COMMENTED_PIPELINE.replace("name: orders", "name: imported");
    s = run(s, { type: "set-text", text: imported, at: 1000, label: "import a.yaml", coalesce: false });
    s = run(s, { type: "set-text", text: imported.replace("name: imported", "name: imported-2"), at: 1200 });
    s = run(s, { type: "set-text", text: imported.replace("name: imported", "name: imported-23"), at: 1300 });
    expect(s.history.past.map((e) => e.label)).toEqual(["open", "import a.yaml"]);
    s = run(s, { type: "undo" });
    expect(s.text).toBe(imported);
    s = run(s, { type: "undo" });
    expect(s.text).toBe(COMMENTED_PIPELINE);
    // Two imports in a row are two steps as well.
    s = run(s, { type: "set-text", text: imported, at: 2000, label: "import a.yaml", coalesce: false }, { type: "set-text", text: COMMENTED_PIPELINE.replace("name: orders", "name: b"), at: 2100, label: "import b.yaml", coalesce: false });
    expect(s.history.past.length).toBe(2);
  });

  it("keeps the graph while the YAML is broken, refuses graph edits, and recovers", () => {
    let s = openSession(COMMENTED_PIPELINE);
    const broken = COMMENTED_PIPELINE.replace("      inputs: [work]\n", "      inputs: [work\n");
    s = run(s, { type: "set-text", text: broken, at: 1 });
    expect(s.text).toBe(broken);
    expect(s.yamlError?.line).toBeGreaterThan(30);
    expect(edges(s)).toContain("work->audit");
    const refused = dispatch(s, { type: "edit", op: { kind: "connect", from: "gen", to: "audit" }, at: 2 });
    expect(refused.session).toBe(s);
    expect(refused.error?.code).toBe("edit.yaml-invalid");
    expect(refused.error?.message).toMatch(/line \d+, column \d+/);
    // Moving still works: it never touches the text.
    s = run(s, { type: "edit", op: { kind: "move", positions: { gen: { x: 7, y: 7 } } }, at: 3 });
    const fixed = COMMENTED_PIPELINE.replace("      inputs: [work]\n", "      inputs: [enrich]\n");
    s = run(s, { type: "set-text", text: fixed, at: 5000 });
    expect(s.yamlError).toBeUndefined();
    expect(edges(s)).toContain("enrich->audit");
    expect(s.layout.positions.gen).toEqual({ x: 7, y: 7 });
  });

  it("places components added in the YAML next to their inputs without moving the others", () => {
    let s = openSession(COMMENTED_PIPELINE);
    const before = s.layout.positions;
    s = run(s, { type: "set-text", text: COMMENTED_PIPELINE.replace("# trailing comment\n", "    - id: extra\n      type: stdout\n      inputs: [work]\n"), at: 1 });
    expect(ids(s)).toContain("extra");
    for (const [id, p] of Object.entries(before)) expect(s.layout.positions[id]).toEqual(p);
    const extra = s.layout.positions.extra!;
    expect(extra.x).toBeGreaterThan(before.work!.x);
    const overlaps = Object.entries(before).some(([, p]) => Math.abs(p.x - extra.x) < 200 && Math.abs(p.y - extra.y) < 64);
    expect(overlaps).toBe(false);
  });

  it("falls back to the Document's own text when the user's indentation and the edit would not merge", () => {
    const text = "apiVersion: flowctl/v1\nkind: Pipeline\nmetadata:\n  name: x\nspec:\n  sources:\n    - id: gen\n      type: load-generator\n  sinks:\n        - id: out\n          type: stdout\n          inputs: [gen]\n";
    const s = run(openSession(text), { type: "edit", op: { kind: "add-component", role: "sink", origin: { kind: "builtin", name: "stdout" }, inputs: ["gen"] }, at: 1 });
    expect(parse(s.text).spec.sinks.map((x: { id: string }) => x.id)).toEqual(["out", "stdout"]);
    expect(s.graph.edges.map((e) => e.id)).toEqual(["gen->out", "gen->stdout"]);
  });

  it("exports and re-imports to the same graph, positions included", () => {
    const s = run(openSession(COMMENTED_PIPELINE), { type: "edit", op: { kind: "move", positions: { gen: { x: -300, y: 40 } } }, at: 1 });
    const exported = { yaml: s.text, layout: JSON.parse(JSON.stringify(s.layout)) as unknown };
    const parsed = parseLayout(exported.layout);
    expect(parsed.ok).toBe(true);
    const again = openSession(exported.yaml, { layout: parsed.ok ? parsed.layout : undefined });
    expect(again.graph).toEqual(s.graph);
  });

  it("never changes the session it was given", () => {
    const s = openSession(COMMENTED_PIPELINE);
    const text = s.text;
    const serialised = sessionDocument(s).toString();
    const next = run(s, { type: "edit", op: { kind: "delete", nodes: ["work"] }, at: 1 });
    expect(s.text).toBe(text);
    // The edit took the Document over; the old session gets its own again, from its text.
    expect(sessionDocument(s).toString()).toBe(serialised);
    expect(sessionDocument(next).toString()).not.toContain("id: work");
    expect(ids(s)).toContain("work");
    // Editing the old session again (a reducer replayed) gives the same result as the first time.
    expect(run(s, { type: "edit", op: { kind: "delete", nodes: ["work"] }, at: 1 }).text).toBe(next.text);
  });
});
