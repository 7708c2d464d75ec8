/**
 * The inspector's form, generated from the same schemas `flowctl validate` uses: the component
 * fields from `pipelineJsonSchema()` (`$defs.Component`: titles, descriptions, defaults, units,
 * enums, bounds) and a built-in's settings from its env schema plus the catalogue's descriptions.
 * One field's value is checked inline with the zod schema the field came from.
 */
import { z } from "zod";
import { BUILTIN_ENV_SCHEMAS } from "../spec/builtin-env.schema";
import { componentSchema, findBuiltin, pipelineJsonSchema } from "../spec/index";

/** How the inspector renders a field. */
export type FieldKind = "string" | "integer" | "number" | "boolean" | "enum" | "quantity" | "string-list" | "string-map" | "any-map" | "object-list";

/** One input of the component form. */
export interface FormField {
  /** Path inside the component, e.g. `["queue", "capacity"]`. */
  path: string[];
  /** Dotted path, e.g. `queue.capacity`. */
  name: string;
  title: string;
  description?: string;
  kind: FieldKind;
  enum?: string[];
  default?: unknown;
  unit?: string;
  required: boolean;
  minimum?: number;
  maximum?: number;
  /** For `quantity` (cpu, memory): what the text must look like. */
  pattern?: string;
  examples?: unknown[];
  /** Title of the enclosing object (`Input queue`, `Batching`, `Resources › Limits`). */
  group?: string;
  /** The fields of one item of an `object-list` (ports, volumes, secrets). */
  itemFields?: FormField[];
  /** Fields changed through a graph op, not `set-field`: `id` (rename) and `inputs` (connect). */
  editedBy?: "rename" | "connect";
}

/** One setting of a built-in, for the env editor. */
export interface EnvField {
  name: string;
  description: string;
  kind: "string" | "integer" | "number" | "boolean" | "enum";
  enum?: string[];
  /** As the component reads it (a string). */
  default?: string;
  unit?: string;
  required: boolean;
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
// zod's JSON Schema writes "no upper bound" on integers as the largest safe integer.
const bound = (v: unknown): number | undefined => (typeof v === "number" && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined);

function kindOf(prop: Json): FieldKind {
  if (Array.isArray(prop.enum)) return "enum";
  if (Array.isArray(prop.anyOf)) return "quantity";
  if (prop.type === "array") return isJson(prop.items) && prop.items.type === "object" ? "object-list" : "string-list";
  if (prop.type === "object") {
    // env and labels hold scalars (a key/value editor); config holds anything (a YAML editor).
    const values = prop.additionalProperties;
    return isJson(values) && values.type !== undefined ? "string-map" : "any-map";
  }
  if (prop.type === "integer" || prop.type === "number" || prop.type === "boolean") return prop.type;
  return "string";
}

function fieldsOf(schema: Json, prefix: string[], group: string | undefined): FormField[] {
  const props = isJson(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const out: FormField[] = [];
  for (const [key, raw] of Object.entries(props)) {
    if (!isJson(raw)) continue;
    const path = [...prefix, key];
    const title = typeof raw.title === "string" ? raw.title : key;
    if (raw.type === "object" && isJson(raw.properties)) {
      // Nested quantities share one title ("Resource quantities"): the key tells requests from limits.
      out.push(...fieldsOf(raw, path, group ? `${group} › ${key}` : title));
      continue;
    }
    const field: FormField = { path, name: path.join("."), title, kind: kindOf(raw), required: required.has(key) };
    if (typeof raw.description === "string") field.description = raw.description;
    if (Array.isArray(raw.enum)) field.enum = raw.enum.map(String);
    if (raw.default !== undefined) field.default = raw.default;
    if (typeof raw.unit === "string") field.unit = raw.unit;
    const min = bound(raw.minimum) ?? bound(raw.exclusiveMinimum);
    const max = bound(raw.maximum);
    if (min !== undefined) field.minimum = min;
    if (max !== undefined) field.maximum = max;
    const patterned = Array.isArray(raw.anyOf) ? raw.anyOf.find((b) => isJson(b) && typeof b.pattern === "string") : undefined;
    if (isJson(patterned)) field.pattern = String(patterned.pattern);
    if (Array.isArray(raw.examples)) field.examples = raw.examples;
    if (group !== undefined) field.group = group;
    if (field.kind === "object-list" && isJson(raw.items)) field.itemFields = fieldsOf(raw.items, [], typeof raw.items.title === "string" ? raw.items.title : title);
    if (prefix.length === 0 && key === "id") field.editedBy = "rename";
    if (prefix.length === 0 && key === "inputs") field.editedBy = "connect";
    out.push(field);
  }
  return out;
}

let componentFields: FormField[] | undefined;

/** Every field of a component, in the schema's order, nested objects flattened with a group. */
export function componentFormFields(): FormField[] {
  if (!componentFields) {
    const defs = pipelineJsonSchema().$defs as Json;
    componentFields = fieldsOf(defs.Component as Json, [], undefined);
  }
  return componentFields;
}

const envCache = new Map<string, EnvField[]>();

/** The settings of built-in `name` (undefined when it is not a built-in). */
export function builtinEnvFields(name: string): EnvField[] | undefined {
  const builtin = findBuiltin(name);
  if (!builtin) return undefined;
  const cached = envCache.get(builtin.name);
  if (cached) return cached;
  const schema = (BUILTIN_ENV_SCHEMAS as Record<string, z.ZodObject | undefined>)[builtin.name];
  const props = schema ? ((z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json).properties as Json) : {};
  const fields = builtin.env.map((v): EnvField => {
    const prop = isJson(props[v.name]) ? (props[v.name] as Json) : {};
    const boolDefault = v.default === "true" || v.default === "false";
    const kind: EnvField["kind"] = Array.isArray(prop.enum) ? "enum" : boolDefault ? "boolean" : prop.type === "integer" || prop.type === "number" ? prop.type : "string";
    const field: EnvField = { name: v.name, description: v.description, kind, required: v.required ?? false };
    if (Array.isArray(prop.enum)) field.enum = prop.enum.map(String);
    if (v.default !== undefined) field.default = v.default;
    if (v.unit !== undefined) field.unit = v.unit;
    const min = bound(prop.minimum);
    const max = bound(prop.maximum);
    if (min !== undefined) field.minimum = min;
    if (max !== undefined) field.maximum = max;
    if (typeof prop.pattern === "string") field.pattern = prop.pattern;
    return field;
  });
  envCache.set(builtin.name, fields);
  return fields;
}

/** The zod schema at `path` inside a component (through optionals, defaults, records and lists). */
function schemaAt(path: readonly (string | number)[]): z.ZodType | undefined {
  let cur: z.ZodType = componentSchema;
  for (const seg of path) {
    while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) cur = cur.unwrap() as z.ZodType;
    if (cur instanceof z.ZodObject && typeof seg === "string") cur = (cur.shape as Record<string, z.ZodType>)[seg]!;
    else if (cur instanceof z.ZodRecord) cur = cur.valueType as z.ZodType;
    else if (cur instanceof z.ZodArray && typeof seg === "number") cur = cur.element as z.ZodType;
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

const EXPECTED: Record<string, string> = { array: "a list", object: "a mapping", record: "a mapping", string: "text", number: "a number", int: "an integer", boolean: "true or false" };

function message(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "array" || issue.origin === "string" ? `must have at least ${String(issue.minimum)} ${issue.origin === "array" ? "item(s)" : "character(s)"}` : `must be ≥ ${String(issue.minimum)}`;
    case "too_big":
      return `must be ≤ ${String(issue.maximum)}`;
    case "invalid_union":
      return "has an unsupported value";
    case "invalid_format":
      return "has an invalid format";
    default:
      return issue.message;
  }
}

/**
 * Problems with `value` for the component field at `path` (e.g. `["queue", "capacity"]`), as the
 * pipeline schema sees them; empty when valid. Unknown paths report that, not silence.
 */
export function validateComponentField(path: readonly (string | number)[], value: unknown): string[] {
  const schema = schemaAt(path);
  if (!schema) return [`${path.join(".")} is not a component field`];
  const r = schema.safeParse(value);
  if (r.success) return [];
  return r.error.issues.map((i) => (i.path.length > 0 ? `${i.path.map(String).join(".")} ` : "") + message(i));
}

/**
 * Problems with `value` for setting `name` of built-in `builtin`, with the component's own env
 * schema (what it parses at start-up); empty when valid or when the built-in does not read it.
 * An empty value means "unset": fine unless the setting is required.
 */
export function validateEnvValue(builtin: string, name: string, value: unknown): string[] {
  const b = findBuiltin(builtin);
  const field = (b ? (BUILTIN_ENV_SCHEMAS as Record<string, z.ZodObject | undefined>)[b.name]?.shape[name] : undefined) as z.ZodType | undefined;
  if (!b || !field) return [];
  const text = value === null || value === undefined ? "" : String(value);
  if (text === "") return b.env.find((v) => v.name === name)?.required ? [`${name} is required: ${b.env.find((v) => v.name === name)!.description}`] : [];
  const r = field.safeParse(text);
  return r.success ? [] : [`${name} ${r.error.issues[0]?.message ?? "is invalid"}`];
}
