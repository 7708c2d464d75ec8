import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PIPELINE_SCHEMA_ID, pipelineJsonSchema } from "./spec.json-schema";

type S = { properties?: Record<string, S>; items?: S; $ref?: string; title?: string; type?: string | string[]; [k: string]: unknown };

const schema = pipelineJsonSchema() as S & { $defs: { Component: S } };

/** Dotted field paths as docs/pipeline-spec.md writes them (`ports[].containerPort`). */
function fieldPaths(s: S, prefix: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const name = `${prefix}${k}`;
    out.push(name);
    if (v.properties) out.push(...fieldPaths(v, `${name}.`));
    if (v.items?.properties) out.push(...fieldPaths(v.items, `${name}[].`));
  }
  return out;
}

describe("pipelineJsonSchema", () => {
  it("is a draft 2020-12 schema with an $id and the component defined once", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(PIPELINE_SCHEMA_ID);
    const spec = schema.properties!.spec!.properties!;
    for (const role of ["sources", "processors", "sinks", "pipelines"]) expect(spec[role]!.items).toEqual({ $ref: "#/$defs/Component" });
    expect(schema.required).toEqual(["apiVersion", "kind", "metadata", "spec"]);
  });

  it("gives every component field a title", () => {
    for (const [k, v] of Object.entries(schema.$defs.Component.properties!)) expect(v.title, k).toBeTruthy();
  });

  it("carries defaults and units of our additions", () => {
    const c = schema.$defs.Component.properties!;
    expect(c.queue!.properties!.capacity).toMatchObject({ default: 1000, unit: "events", minimum: 1 });
    expect(c.batch!.properties!.flush_interval_ms).toMatchObject({ default: 100, unit: "ms" });
    expect(c.resources!.properties!.limits!.properties!.memory).toMatchObject({ unit: "bytes" });
    expect(c.restart_policy).toMatchObject({ default: "on-failure", enum: ["no", "on-failure", "always", "unless-stopped"] });
  });

  it("describes env values as users write them (numbers and booleans allowed)", () => {
    const env = schema.$defs.Component.properties!.env as { additionalProperties: { type: string[] } };
    expect(env.additionalProperties.type).toEqual(expect.arrayContaining(["string", "number", "boolean"]));
  });

  it("has every field documented in docs/pipeline-spec.md", () => {
    const doc = readFileSync(path.join(import.meta.dirname, "../../../docs/pipeline-spec.md"), "utf8");
    const fields = [
      ...fieldPaths({ properties: { apiVersion: schema.properties!.apiVersion!, kind: schema.properties!.kind! } }, ""),
      ...fieldPaths(schema.properties!.metadata!, "metadata."),
      ...fieldPaths(schema.properties!.spec!, "spec."),
      ...fieldPaths(schema.$defs.Component, ""),
    ];
    expect(fields.length).toBeGreaterThan(50);
    for (const f of fields) expect(doc, f).toContain(`\`${f}\``);
  });
});
