/**
 * Edits inside the Document that create or change component mappings: ids, new components (from
 * the built-in catalogue or a custom command/image), copy/paste, and fields. Each works on the
 * `yaml` Document in place — comments, key order and styles of everything else are untouched —
 * and checks everything it can before changing anything, so a refused edit leaves no trace.
 */
import { isCollection, isMap, isScalar, isSeq, Scalar, type Document, type Node, type YAMLMap, type YAMLSeq } from "yaml";
import { DNS_LABEL_MAX, DNS_LABEL_RE, findBuiltin, type ComponentRole } from "../spec/index";
import type { EditError } from "./edit-op";
import { EDITOR_ROLES, ROLE_LIST_KEYS, specMap, type ComponentRef } from "./yaml-document";

/** Either a value or the refusal. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: EditError };

const fail = (code: EditError["code"], message: string, field?: string): { ok: false; error: EditError } => ({
  ok: false,
  error: { code, message, ...(field !== undefined ? { field } : {}) },
});

/** Checks a new id: a DNS label of at most 63 characters that no component uses yet. */
export function checkNewId(id: string, taken: ReadonlySet<string>, field = "id"): EditError | undefined {
  if (id.length > DNS_LABEL_MAX) return { code: "id.invalid", message: `"${id}" is longer than ${DNS_LABEL_MAX} characters`, field };
  if (!DNS_LABEL_RE.test(id)) return { code: "id.invalid", message: `"${id}" is not a valid id: use lowercase letters, digits and '-', starting and ending with a letter or digit`, field };
  if (taken.has(id)) return { code: "id.duplicate", message: `a component named "${id}" already exists`, field };
  return undefined;
}

/** `base` turned into a free id: made a DNS label, then `-2`, `-3`, … until no component has it. */
export function uniqueId(base: string, taken: ReadonlySet<string>, fallback = "component"): string {
  let stem = base.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || fallback;
  stem = stem.slice(0, DNS_LABEL_MAX).replace(/-+$/, "") || fallback;
  if (!taken.has(stem)) return stem;
  const root = stem.replace(/-\d+$/, "") || stem;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${root.slice(0, DNS_LABEL_MAX - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Component ids in use (every role list, `spec.pipelines` included: ids share one namespace). */
export function takenIds(doc: Document): Set<string> {
  const taken = new Set<string>();
  const spec = specMap(doc);
  for (const key of [...Object.values(ROLE_LIST_KEYS), "pipelines"]) {
    const list = spec?.get(key, true);
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      const id = isMap(item) ? item.get("id") : undefined;
      if (typeof id === "string" && id !== "") taken.add(id);
    }
  }
  return taken;
}

const isNullScalar = (n: unknown) => isScalar(n) && n.value === null;

/** Why components of `role` cannot be added to this Document, if they cannot (changes nothing). */
export function checkRoleList(doc: Document, role: ComponentRole): EditError | undefined {
  if (!isMap(doc.contents)) return { code: "edit.not-a-pipeline", message: "the document is not a pipeline mapping (apiVersion, kind, metadata, spec)" };
  const spec = doc.contents.get("spec", true);
  if (spec !== undefined && !isMap(spec) && !isNullScalar(spec)) return { code: "edit.not-a-pipeline", message: "spec is not a mapping", field: "spec" };
  const key = ROLE_LIST_KEYS[role];
  const current = isMap(spec) ? spec.get(key, true) : undefined;
  if (current !== undefined && !isSeq(current) && !isNullScalar(current)) return { code: "edit.invalid", message: `spec.${key} is not a list`, field: `spec.${key}` };
  return undefined;
}

/** The `spec.<role>s` list, created (in sources, processors, sinks order) when absent or empty. */
export function ensureRoleList(doc: Document, role: ComponentRole): Checked<YAMLSeq> {
  const problem = checkRoleList(doc, role);
  if (problem) return { ok: false, error: problem };
  const root = doc.contents as YAMLMap;
  if (!specMap(doc)) root.set("spec", doc.createNode({}));
  const spec = specMap(doc)!;
  // `spec: {}` (a new pipeline) would otherwise keep every component on one flow line.
  if (spec.flow && spec.items.length === 0) spec.flow = false;
  const key = ROLE_LIST_KEYS[role];
  const current = spec.get(key, true);
  if (isSeq(current)) {
    // An empty flow list (`sinks: []`) would otherwise grow as `[ {…} ]` on one line.
    if (current.flow && current.items.length === 0) current.flow = false;
    return { ok: true, value: current };
  }
  const seq = doc.createNode([]) as YAMLSeq;
  if (current !== undefined) {
    spec.set(key, seq);
    return { ok: true, value: seq };
  }
  const later = EDITOR_ROLES.slice(EDITOR_ROLES.indexOf(role) + 1).map((r) => ROLE_LIST_KEYS[r] as string);
  const at = spec.items.findIndex((p) => isScalar(p.key) && later.includes(String(p.key.value)));
  const pair = doc.createPair(key, seq);
  if (at < 0) spec.items.push(pair);
  else spec.items.splice(at, 0, pair);
  return { ok: true, value: seq };
}

/** A YAML node for `value`: lists of scalars in flow style (`[a, b]`), everything else in block style. */
export function createValueNode(doc: Document, value: unknown): Node {
  const node = doc.createNode(value) as Node;
  const flowLists = (n: unknown) => {
    if (isSeq(n)) {
      if (n.items.every((i) => isScalar(i))) n.flow = true;
      n.items.forEach(flowLists);
    } else if (isMap(n)) {
      n.flow = false;
      n.items.forEach((p) => flowLists(p.value));
    }
  };
  flowLists(node);
  return node;
}

/** Removes the items of `inputs` equal to one of `ids`; drops the key when nothing is left. */
export function removeInputs(ref: ComponentRef, ids: ReadonlySet<string>): boolean {
  const inputs = ref.node.get("inputs", true);
  if (!isSeq(inputs)) return false;
  const before = inputs.items.length;
  inputs.items = inputs.items.filter((item) => !(isScalar(item) && typeof item.value === "string" && ids.has(item.value)));
  if (inputs.items.length === 0) ref.node.delete("inputs");
  return inputs.items.length !== before;
}

/** Appends `from` to the inputs of `ref` (a flow list `inputs: [from]` when there was none). */
export function appendInput(doc: Document, ref: ComponentRef, from: string): Checked<null> {
  const inputs = ref.node.get("inputs", true);
  if (isSeq(inputs)) {
    inputs.add(doc.createNode(from));
    return { ok: true, value: null };
  }
  if (inputs !== undefined && !(isScalar(inputs) && inputs.value === null)) {
    return fail("field.not-a-mapping", `inputs of "${ref.id ?? ref.index}" is not a list; fix it in the YAML first`, "inputs");
  }
  ref.node.set("inputs", createValueNode(doc, [from]));
  return { ok: true, value: null };
}

/** Reserved paths: `id` (use rename) and `inputs` (use connect / disconnect). */
function reservedField(path: readonly (string | number)[]): EditError | undefined {
  if (path[0] === "id") return { code: "field.reserved", message: "change the id with a rename, which also updates every reference to it", field: "id" };
  if (path[0] === "inputs") return { code: "field.reserved", message: "change inputs by connecting or disconnecting components", field: "inputs" };
  return undefined;
}

/** The collections along `path` inside `node` must all be mappings or lists for a set to reach it. */
function checkPath(node: YAMLMap, path: readonly (string | number)[]): EditError | undefined {
  let cur: unknown = node;
  for (let i = 0; i < path.length - 1; i++) {
    const next: unknown = isCollection(cur) ? cur.get(path[i], true) : undefined;
    if (next === undefined || (isScalar(next) && next.value === null)) return undefined;
    if (!isCollection(next)) return { code: "field.not-a-mapping", message: `${path.slice(0, i + 1).join(".")} is not a mapping`, field: path.slice(0, i + 1).join(".") };
    cur = next;
  }
  return undefined;
}

/** Sets a field of a component; a scalar keeps its node (and so its comment and quoting). */
export function setField(doc: Document, ref: ComponentRef, path: readonly (string | number)[], value: unknown): Checked<null> {
  const problem = reservedField(path) ?? checkPath(ref.node, path);
  if (problem) return { ok: false, error: problem };
  const existing = ref.node.getIn(path, true);
  const scalarValue = value === null || typeof value !== "object";
  if (isScalar(existing) && scalarValue) {
    existing.value = value;
    // A quoted string stays quoted; a number written into it must not turn into the string "5".
    if (typeof value !== "string" && existing.type !== Scalar.PLAIN) existing.type = Scalar.PLAIN;
    return { ok: true, value: null };
  }
  // Null intermediates (`env:` with nothing after it) are replaced by a mapping.
  for (let i = 1; i < path.length; i++) {
    const at = ref.node.getIn(path.slice(0, i), true);
    if (isScalar(at) && at.value === null) ref.node.setIn(path.slice(0, i), doc.createNode({}));
  }
  ref.node.setIn(path, createValueNode(doc, value));
  return { ok: true, value: null };
}

/** Removes a field; mappings it leaves empty are removed too (never the component itself). */
export function unsetField(ref: ComponentRef, path: readonly (string | number)[]): Checked<null> {
  const problem = reservedField(path);
  if (problem) return { ok: false, error: problem };
  if (!ref.node.hasIn(path)) return fail("key.not-found", `${path.join(".")} is not set`, path.join("."));
  ref.node.deleteIn(path);
  for (let i = path.length - 1; i >= 1; i--) {
    const parent = ref.node.getIn(path.slice(0, i), true);
    if (isCollection(parent) && parent.items.length === 0) ref.node.deleteIn(path.slice(0, i));
    else break;
  }
  return { ok: true, value: null };
}

/** Renames a key of the mapping at `path` in place (same position, same comments). */
export function renameKey(ref: ComponentRef, path: readonly (string | number)[], from: string, to: string): Checked<null> {
  const problem = reservedField(path);
  if (problem) return { ok: false, error: problem };
  const map = ref.node.getIn(path, true);
  const where = path.join(".");
  if (!isMap(map)) return fail("field.not-a-mapping", `${where} is not a mapping`, where);
  const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === from);
  if (!pair || !isScalar(pair.key)) return fail("key.not-found", `${where} has no key "${from}"`, `${where}.${from}`);
  if (from !== to && map.has(to)) return fail("key.duplicate", `${where} already has a key "${to}"`, `${where}.${to}`);
  pair.key.value = to;
  return { ok: true, value: null };
}

/** Plain data of a new component: the built-in (with its documented defaults) or a custom process. */
export function newComponentData(
  role: ComponentRole,
  origin: { kind: "builtin"; name: string } | { kind: "command"; command: string[]; args?: string[]; type?: string } | { kind: "image"; image: string; type?: string },
  id: string,
  opts: { withDefaults: boolean; inputs: string[]; env: Record<string, string | number | boolean> },
): Checked<Record<string, unknown>> {
  const data: Record<string, unknown> = { id };
  let env: Record<string, unknown> = {};
  if (origin.kind === "builtin") {
    const builtin = findBuiltin(origin.name);
    if (!builtin) return fail("builtin.unknown", `no built-in component "${origin.name}"`, "origin.name");
    if (builtin.role !== role) return fail("builtin.wrong-role", `"${builtin.name}" is a ${builtin.role}, not a ${role}`, "role");
    data.type = builtin.name;
    if (opts.withDefaults) {
      for (const v of builtin.env) if (v.default !== undefined) env[v.name] = yamlScalar(v.default);
    }
    if (opts.withDefaults && builtin.writesToDatabase) data.batch = { size: 100, flush_interval_ms: 100 };
  } else if (origin.kind === "command") {
    if (origin.type !== undefined) data.type = origin.type;
    data.command = origin.command;
    if (origin.args?.length) data.args = origin.args;
  } else {
    if (origin.type !== undefined) data.type = origin.type;
    data.image = origin.image;
  }
  env = { ...env, ...opts.env };
  const withInputs: Record<string, unknown> = opts.inputs.length > 0 ? { ...data, inputs: opts.inputs } : data;
  // Key order as the docs write components: id, what runs, inputs, env, then tuning.
  const { batch, ...head } = withInputs;
  return { ok: true, value: { ...head, ...(Object.keys(env).length > 0 ? { env } : {}), ...(batch !== undefined ? { batch } : {}) } };
}

/** A catalogue default as the YAML scalar a user would write (`1000`, not `"1000"`). */
function yamlScalar(text: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}
