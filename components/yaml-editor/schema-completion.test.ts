/** Completion from the JSON Schema: where the cursor is, and what fits there. */
import { describe, expect, it } from "vitest";
import { BUILTIN_COMPONENTS, pipelineJsonSchema } from "@/server/core/spec/index";
import { cursorContext, schemaAt, schemaOptions } from "./schema-completion";

const schema = pipelineJsonSchema() as Record<string, unknown>;
const builtins = BUILTIN_COMPONENTS.map((b) => ({ ...b, env: [...b.env] }));

/** Text with `|` marking the cursor. */
function at(marked: string) {
  const offset = marked.indexOf("|");
  const text = marked.replace("|", "");
  return { text, offset, ctx: cursorContext(text, offset) };
}

const labels = (marked: string) => {
  const { ctx } = at(marked);
  return ctx ? schemaOptions(schema, ctx, builtins).map((o) => o.label) : [];
};

const PIPELINE = `apiVersion: flowctl/v1
kind: Pipeline
metadata:
  name: p
spec:
  sources:
    - id: gen
      type: load-generator
      env:
        EVENT_COUNT: 10
        |
  sinks:
    - id: out
      type: file
      inputs: [gen]
`;

describe("cursorContext", () => {
  it("finds the mapping path through sequence items", () => {
    expect(at(PIPELINE).ctx).toMatchObject({ path: ["spec", "sources", "*", "env"], kind: "key", prefix: "", siblings: ["EVENT_COUNT"], itemType: "load-generator" });
  });

  it("a new item's first key is typed in the item", () => {
    const { ctx } = at("spec:\n  sinks:\n    - id: a\n      type: file\n    - ty|\n");
    expect(ctx).toMatchObject({ path: ["spec", "sinks", "*"], prefix: "ty", siblings: [] });
    expect(ctx!.from).toBe("spec:\n  sinks:\n    - id: a\n      type: file\n    - ".length);
  });

  it("knows a value is typed after `key: `", () => {
    expect(at("spec:\n  processors:\n    - id: x\n      restart_policy: al|\n").ctx).toMatchObject({ path: ["spec", "processors", "*"], kind: "value", key: "restart_policy", prefix: "al" });
  });

  it("offers nothing inside a comment", () => {
    expect(at("spec:\n  # sou|\n").ctx).toBeUndefined();
  });
});

describe("schemaOptions", () => {
  it("offers the keys of the mapping that are not written yet", () => {
    const keys = labels("spec:\n  sources:\n    - id: gen\n      |\n");
    expect(keys).toContain("type");
    expect(keys).toContain("replicas");
    expect(keys).not.toContain("id");
    expect(labels("|")).toEqual(expect.arrayContaining(["apiVersion", "kind", "metadata", "spec"]));
    expect(labels("spec:\n  q|")).toEqual(expect.arrayContaining(["sources", "processors", "sinks", "driver"]));
  });

  it("offers a built-in's documented settings under env, with default and unit", () => {
    const { ctx } = at(PIPELINE);
    const opts = schemaOptions(schema, ctx!, builtins);
    expect(opts.map((o) => o.label)).toEqual(["EVENTS_PER_SECOND", "DURATION_SECONDS", "EVENT_SIZE_BYTES", "EVENT_TYPE"]);
    expect(opts[0]).toMatchObject({ detail: "default 1000 · events/s", apply: "EVENTS_PER_SECOND: " });
  });

  it("offers enum values and the built-ins of the item's role for `type`", () => {
    expect(labels("spec:\n  processors:\n    - id: x\n      restart_policy: |\n")).toEqual(["no", "on-failure", "always", "unless-stopped"]);
    expect(labels("spec:\n  sinks:\n    - id: x\n      type: |\n")).toEqual(BUILTIN_COMPONENTS.filter((b) => b.role === "sink").map((b) => b.name));
  });

  it("nested keys end with a colon, scalars with a space", () => {
    const opts = schemaOptions(schema, at("spec:\n  sinks:\n    - id: x\n      |\n").ctx!, builtins);
    expect(opts.find((o) => o.label === "queue")!.apply).toBe("queue:");
    expect(opts.find((o) => o.label === "replicas")!.apply).toBe("replicas: ");
  });
});

describe("schemaAt", () => {
  it("follows $ref into the component definition", () => {
    expect(schemaAt(schema, ["spec", "sinks", "*", "queue", "policy"])).toMatchObject({ enum: ["block", "drop_oldest"] });
    expect(schemaAt(schema, ["spec", "nope"])).toBeUndefined();
  });
});
