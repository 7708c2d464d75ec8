import { describe, expect, it } from "vitest";
import { validate } from "../spec/index";
import { builtinEnvFields, componentFormFields, validateComponentField, validateEnvValue } from "./form-model";

const field = (name: string) => componentFormFields().find((f) => f.name === name)!;

describe("componentFormFields", () => {
  it("lists every inspector field with type, default, unit, enum, bounds and group", () => {
    const names = componentFormFields().map((f) => f.name);
    for (const n of ["id", "type", "command", "args", "image", "inputs", "env", "replicas", "partition_key", "restart_policy", "queue.capacity", "queue.policy", "batch.size", "batch.flush_interval_ms", "resources.requests.cpu", "resources.limits.memory"]) {
      expect(names).toContain(n);
    }
    expect(field("id")).toMatchObject({ kind: "string", required: true, editedBy: "rename" });
    expect(field("inputs")).toMatchObject({ kind: "string-list", editedBy: "connect" });
    expect(field("queue.capacity")).toMatchObject({ kind: "integer", default: 1000, unit: "events", minimum: 1, group: "Input queue", required: false });
    expect(field("queue.capacity").maximum).toBeUndefined();
    expect(field("queue.policy")).toMatchObject({ kind: "enum", enum: ["block", "drop_oldest"], default: "block" });
    expect(field("batch.size")).toMatchObject({ kind: "integer", maximum: 100_000, unit: "events" });
    expect(field("batch.flush_interval_ms").unit).toBe("ms");
    expect(field("restart_policy")).toMatchObject({ kind: "enum", default: "on-failure" });
    expect(field("resources.limits.cpu")).toMatchObject({ kind: "quantity", unit: "cores", group: "Resources › limits" });
    expect(field("resources.limits.cpu").pattern).toBeDefined();
    expect(field("env").kind).toBe("string-map");
    expect(field("config").kind).toBe("any-map");
    expect(field("ports").itemFields!.find((f) => f.name === "containerPort")).toMatchObject({ kind: "integer", required: true, minimum: 1, maximum: 65535 });
    expect(field("replicas")).toMatchObject({ kind: "integer", default: 1, minimum: 0 });
  });
});

describe("builtinEnvFields", () => {
  it("merges the catalogue's words with the env schema's types", () => {
    expect(builtinEnvFields("load-generator")!.find((f) => f.name === "EVENTS_PER_SECOND")).toEqual({
      name: "EVENTS_PER_SECOND",
      description: "Target rate; 0 = as fast as downstream accepts.",
      kind: "number",
      default: "1000",
      unit: "events/s",
      required: false,
      minimum: 0,
    });
    expect(builtinEnvFields("postgres")!.find((f) => f.name === "POSTGRES_SSLMODE")).toMatchObject({ kind: "enum", enum: ["disable", "require", "verify-full"] });
    expect(builtinEnvFields("postgres")!.find((f) => f.name === "POSTGRES_PORT")).toMatchObject({ kind: "integer", minimum: 0, maximum: 65535 });
    expect(builtinEnvFields("stdout")![0]).toMatchObject({ name: "PRETTY", kind: "boolean", default: "false" });
    expect(builtinEnvFields("file")![0]).toMatchObject({ name: "FILE_PATH", required: true, kind: "string" });
    expect(builtinEnvFields("flowctl/transform")!.map((f) => f.name)).toEqual(["EXPRESSION", "OUTPUT_TYPE"]);
    expect(builtinEnvFields("kafka")).toBeUndefined();
  });
});

describe("inline validation", () => {
  it("checks a component field with the pipeline schema", () => {
    expect(validateComponentField(["queue", "capacity"], 500)).toEqual([]);
    expect(validateComponentField(["queue", "capacity"], 0)).toEqual(["must be ≥ 1"]);
    expect(validateComponentField(["queue", "capacity"], "lots")).toEqual(["must be a number"]);
    expect(validateComponentField(["restart_policy"], "sometimes")).toEqual(['must be one of "no", "on-failure", "always", "unless-stopped"']);
    expect(validateComponentField(["batch", "size"], 200_000)).toEqual(["must be ≤ 100000"]);
    expect(validateComponentField(["resources", "limits", "cpu"], "500m")).toEqual([]);
    expect(validateComponentField(["resources", "limits", "cpu"], "fast")).toEqual(["has an invalid format"]);
    expect(validateComponentField(["env", "ANY"], 5)).toEqual([]);
    expect(validateComponentField(["command"], [])).toEqual([]);
    expect(validateComponentField(["ports", 0, "containerPort"], 70000)).toEqual(["must be ≤ 65535"]);
    expect(validateComponentField(["nope"], 1)).toEqual(["nope is not a component field"]);
  });

  it("checks a built-in's setting with its own schema, agreeing with validate()", () => {
    expect(validateEnvValue("load-generator", "EVENTS_PER_SECOND", "fast")).toEqual(["EVENTS_PER_SECOND must be a number"]);
    expect(validateEnvValue("load-generator", "EVENTS_PER_SECOND", 500)).toEqual([]);
    expect(validateEnvValue("file", "FILE_PATH", "")).toEqual(["FILE_PATH is required: Output file (relative to the pipeline file's directory)."]);
    expect(validateEnvValue("postgres", "POSTGRES_SSLMODE", "maybe")).toEqual(["POSTGRES_SSLMODE must be disable, require or verify-full"]);
    expect(validateEnvValue("load-generator", "CUSTOM_THING", "x")).toEqual([]);
    const yaml = `apiVersion: flowctl/v1\nkind: Pipeline\nmetadata: { name: a }\nspec:\n  sources:\n    - { id: g, type: load-generator, env: { EVENTS_PER_SECOND: fast } }\n  sinks:\n    - { id: s, type: stdout, inputs: [g] }\n`;
    const diag = validate(yaml).find((d) => d.code === "component.builtin-invalid-env")!;
    expect(diag.message.startsWith(validateEnvValue("load-generator", "EVENTS_PER_SECOND", "fast")[0]!)).toBe(true);
  });
});
