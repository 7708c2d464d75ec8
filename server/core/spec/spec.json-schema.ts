/**
 * JSON Schema of the pipeline spec, generated from the zod schema (the single source of truth)
 * for editors (yaml-language-server), `flowctl schema` and the console's forms. Field meta —
 * title, description, default, unit, examples — is carried through as JSON Schema keywords
 * (`unit` is an extension keyword forms use to label inputs).
 */
import { z } from "zod";
import { componentSchema, pipelineSpecSchema } from "./pipeline-spec.schema";

/** `$id` of the generated schema, for `# yaml-language-server: $schema=` comments. */
export const PIPELINE_SCHEMA_ID = "https://flowctl.dev/schemas/pipeline.v1.json";

const ROLE_LISTS = ["sources", "processors", "sinks", "pipelines"] as const;

type JsonObject = Record<string, unknown>;

/**
 * The JSON Schema (draft 2020-12) describing a pipeline file as users write it (`io: "input"`:
 * env values may be numbers/booleans, defaults are optional). The component schema is emitted
 * once under `$defs.Component` and referenced by the four role lists.
 */
export function pipelineJsonSchema(): JsonObject {
  const opts = { io: "input", unrepresentable: "any" } as const;
  const schema = z.toJSONSchema(pipelineSpecSchema, opts) as JsonObject;
  const { $schema: _drop, ...component } = z.toJSONSchema(componentSchema, opts) as JsonObject;
  // A registry `id` would do this inside zod, but registering ids globally throws when a module
  // is evaluated twice (HMR, test isolation); the schema shape is ours, so we place the ref here.
  const specProps = ((schema.properties as JsonObject).spec as JsonObject).properties as JsonObject;
  for (const role of ROLE_LISTS) {
    const list = specProps[role] as JsonObject | undefined;
    if (list) list.items = { $ref: "#/$defs/Component" };
  }
  return { ...schema, $id: PIPELINE_SCHEMA_ID, $defs: { Component: component } };
}
