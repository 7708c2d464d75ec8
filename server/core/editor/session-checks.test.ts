import { describe, expect, it } from "vitest";
import { dispatch, openSession, type EditorSession } from "./editor-session";
import { checkSession, newPipelineText } from "./session-checks";

function edit(s: EditorSession, op: Parameters<typeof dispatch>[1] & { type: "edit" }): EditorSession {
  const r = dispatch(s, op);
  expect(r.error).toBeUndefined();
  return r.session;
}

describe("checkSession", () => {
  it("walks the issue's e2e story: a sink with no input is badged and blocks saving until connected", () => {
    let s = openSession(newPipelineText("orders"));
    expect(checkSession(s).canSave).toBe(false);
    s = edit(s, { type: "edit", op: { kind: "add-component", role: "source", origin: { kind: "builtin", name: "load-generator" } }, at: 1 });
    s = edit(s, { type: "edit", op: { kind: "add-component", role: "processor", origin: { kind: "builtin", name: "transform" }, env: { EXPRESSION: "$" }, inputs: ["load-generator"] }, at: 2 });
    s = edit(s, { type: "edit", op: { kind: "add-component", role: "sink", origin: { kind: "builtin", name: "file" }, env: { FILE_PATH: "out.jsonl" } }, at: 3 });
    let check = checkSession(s, { file: "orders.yaml" });
    expect(check.canSave).toBe(false);
    expect(check.blocking.map((d) => d.code)).toEqual(["graph.missing-inputs"]);
    expect(check.placed.byNode.file!.map((d) => d.code)).toEqual(["graph.missing-inputs"]);
    expect(check.diagnostics[0]!.file).toBe("orders.yaml");
    s = edit(s, { type: "edit", op: { kind: "connect", from: "transform", to: "file" }, at: 4 });
    check = checkSession(s);
    expect(check.blocking).toEqual([]);
    expect(check.canSave).toBe(true);
  });

  it("reports a YAML syntax error on the pipeline while the graph stays", () => {
    const s0 = openSession(newPipelineText("x"));
    const s = dispatch(s0, { type: "set-text", text: "spec: [\n", at: 1 }).session;
    const check = checkSession(s);
    expect(check.canSave).toBe(false);
    expect(check.placed.pipeline[0]!.code).toBe("yaml.syntax");
  });

  it("quotes a name that is not a plain DNS name", () => {
    expect(newPipelineText("My Pipeline")).toContain('  name: "My Pipeline"\n');
  });
});
