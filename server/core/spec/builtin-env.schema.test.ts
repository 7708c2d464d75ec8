import { describe, expect, it } from "vitest";
import { BUILTIN_ENV_SCHEMAS } from "./builtin-env.schema";
import { BUILTIN_COMPONENTS } from "./builtins";
import { validate } from "./validate";

describe("built-in env schemas", () => {
  it("name exactly the settings the catalogue documents, for every built-in", () => {
    expect(Object.keys(BUILTIN_ENV_SCHEMAS).sort()).toEqual(BUILTIN_COMPONENTS.map((b) => b.name).sort());
    for (const b of BUILTIN_COMPONENTS) {
      const schema = BUILTIN_ENV_SCHEMAS[b.name as keyof typeof BUILTIN_ENV_SCHEMAS];
      expect(Object.keys(schema.shape).sort(), b.name).toEqual(b.env.map((v) => v.name).sort());
    }
  });
});

describe("component.builtin-invalid-env", () => {
  const doc = (sinkEnv: string, sinkConfig = "") => `apiVersion: flowctl/v1
kind: Pipeline
metadata:
  name: p
spec:
  sources:
    - id: src
      type: load-generator
  sinks:
    - id: db
      type: postgres
      inputs: [src]
      batch: { size: 100, flush_interval_ms: 50 }
${sinkEnv}${sinkConfig}`;
  const codes = (yaml: string) => validate(yaml).filter((d) => d.code === "component.builtin-invalid-env");

  it("reports every bad value at once, accepting YAML numbers and what the component accepts", () => {
    const found = codes(doc("      env: { POSTGRES_PORT: 70000, POSTGRES_SSLMODE: sometimes, POSTGRES_MAX_CONNS: 8, TABLE: events }\n"));
    expect(found.map((d) => d.path)).toEqual(["spec.sinks[0].env.POSTGRES_PORT", "spec.sinks[0].env.POSTGRES_SSLMODE"]);
    expect(found[0]!.message).toBe('POSTGRES_PORT must be ≤ 65535 for built-in "postgres", got "70000"');
    expect(found[1]!.line).toBe(14);
  });

  it("checks a value that comes from config (flowctl's config → UPPERCASE env) unless env overrides it", () => {
    expect(codes(doc("", "      config: { postgres_max_conns: 0 }\n")).map((d) => d.path)).toEqual(["spec.sinks[0].config.postgres_max_conns"]);
    expect(codes(doc("      env: { POSTGRES_MAX_CONNS: 2 }\n", "      config: { postgres_max_conns: 0 }\n"))).toEqual([]);
  });

  it("treats an empty value as unset (the default applies), as the component does", () => {
    expect(codes(doc('      env: { POSTGRES_PORT: "" }\n'))).toEqual([]);
  });
});
