/**
 * What changed between two versions of a pipeline: components added, removed and changed (with
 * the fields that changed), edges added and removed, pipeline-level fields, and the line diff of
 * the YAML. Components are matched by id. `inputs` changes show as edges, not as fields; `env`
 * values are compared as the component receives them (strings: `1000` and `"1000"` are equal).
 */
import type { ComponentRole } from "../spec/index";
import { isDeepStrictEqual } from "./deep-equal";
import { graphFromDocument, type EditorEdge, type EditorGraph, type EditorNode } from "./editor-graph";
import { diffLines, type DiffLine } from "./line-diff";
import { EDITOR_ROLES, parsePipelineDocument, ROLE_LIST_KEYS } from "./yaml-document";

/** One field whose value differs; absent `before`/`after` = the field was added/removed. */
export interface FieldChange {
  /** Dotted path inside the component (or the document for pipeline fields), e.g. `env.FILE_PATH`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

/** A component present in both versions with different settings (or role). */
export interface ComponentChange {
  id: string;
  role: ComponentRole;
  /** Set when the component moved to another role list. */
  roleBefore?: ComponentRole;
  fields: FieldChange[];
}

/** The comparison of two versions. */
export interface VersionDiff {
  components: { added: { id: string; role: ComponentRole }[]; removed: { id: string; role: ComponentRole }[]; changed: ComponentChange[] };
  edges: { added: { from: string; to: string }[]; removed: { from: string; to: string }[] };
  /** apiVersion, metadata, driver, config, `spec.pipelines`. */
  pipeline: FieldChange[];
  lines: DiffLine[];
  /** Versions whose YAML does not parse; they are compared as text only. */
  unreadable: ("old" | "new")[];
}

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

interface Parsed {
  graph: EditorGraph;
  components: Map<string, { role: ComponentRole; value: Raw }>;
  rest: Raw;
}

function read(text: string): Parsed | undefined {
  const doc = parsePipelineDocument(text);
  if (doc.errors.length > 0) return undefined;
  const js = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  const root = isRaw(js) ? js : {};
  const spec = isRaw(root.spec) ? root.spec : {};
  const components = new Map<string, { role: ComponentRole; value: Raw }>();
  for (const role of EDITOR_ROLES) {
    const list = spec[ROLE_LIST_KEYS[role]];
    if (!Array.isArray(list)) continue;
    for (const value of list) if (isRaw(value) && typeof value.id === "string" && !components.has(value.id)) components.set(value.id, { role, value });
  }
  const restSpec = Object.fromEntries(Object.entries(spec).filter(([k]) => !(Object.values(ROLE_LIST_KEYS) as string[]).includes(k)));
  return { graph: graphFromDocument(doc), components, rest: { ...root, spec: restSpec } };
}

/** Leaves of a value by dotted path; lists are leaves (compared whole). */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>, stringify: (path: string) => boolean): Map<string, unknown> {
  if (isRaw(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === "" ? k : `${prefix}.${k}`, out, stringify);
  } else if (prefix !== "") {
    out.set(prefix, stringify(prefix) && value !== null && typeof value !== "object" ? String(value) : value);
  }
  return out;
}

function fieldChanges(before: Raw, after: Raw, skip: ReadonlySet<string>, stringify: (path: string) => boolean = () => false): FieldChange[] {
  const a = flatten(before, "", new Map(), stringify);
  const b = flatten(after, "", new Map(), stringify);
  const changes: FieldChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (skip.has(path.split(".")[0]!)) continue;
    const x = a.get(path);
    const y = b.get(path);
    if (isDeepStrictEqual(x, y)) continue;
    changes.push({ path, ...(a.has(path) ? { before: x } : {}), ...(b.has(path) ? { after: y } : {}) });
  }
  return changes;
}

const COMPONENT_SKIP = new Set(["id", "inputs"]);
const envPath = (path: string) => path.startsWith("env.");

/** Compares two versions' YAML texts. */
export function diffVersions(oldText: string, newText: string): VersionDiff {
  const lines = diffLines(oldText, newText);
  const a = read(oldText);
  const b = read(newText);
  const unreadable: VersionDiff["unreadable"] = [...(a ? [] : ["old" as const]), ...(b ? [] : ["new" as const])];
  const result: VersionDiff = { components: { added: [], removed: [], changed: [] }, edges: { added: [], removed: [] }, pipeline: [], lines, unreadable };
  if (!a || !b) return result;
  for (const [id, c] of b.components) if (!a.components.has(id)) result.components.added.push({ id, role: c.role });
  for (const [id, c] of a.components) {
    const next = b.components.get(id);
    if (!next) {
      result.components.removed.push({ id, role: c.role });
      continue;
    }
    const fields = fieldChanges(c.value, next.value, COMPONENT_SKIP, envPath);
    if (fields.length > 0 || next.role !== c.role) result.components.changed.push({ id, role: next.role, ...(next.role !== c.role ? { roleBefore: c.role } : {}), fields });
  }
  const key = (e: { from: string; to: string }) => `${e.from}->${e.to}`;
  const oldEdges = new Set(a.graph.edges.map(key));
  const newEdges = new Set(b.graph.edges.map(key));
  result.edges.added = b.graph.edges.filter((e) => !oldEdges.has(key(e))).map(({ from, to }) => ({ from, to }));
  result.edges.removed = a.graph.edges.filter((e) => !newEdges.has(key(e))).map(({ from, to }) => ({ from, to }));
  result.pipeline = fieldChanges(a.rest, b.rest, new Set());
  return result;
}

/** How an element of the diff graph changed. */
export type DiffStatus = "added" | "removed" | "changed" | "unchanged";

/** Both versions on one canvas: the new graph plus what was removed, each element marked. */
export interface DiffGraph {
  nodes: (EditorNode & { status: DiffStatus; changedFields?: string[] })[];
  edges: (EditorEdge & { status: DiffStatus })[];
}

/** Overlays `diff` on the two versions' graphs (positions from each version's layout, if set). */
export function diffGraph(oldGraph: EditorGraph, newGraph: EditorGraph, diff: VersionDiff): DiffGraph {
  const added = new Set(diff.components.added.map((c) => c.id));
  const changed = new Map(diff.components.changed.map((c) => [c.id, c.fields.map((f) => f.path)]));
  const removed = new Set(diff.components.removed.map((c) => c.id));
  const nodes: DiffGraph["nodes"] = newGraph.nodes.map((n) => {
    const id = n.componentId ?? n.id;
    if (added.has(id)) return { ...n, status: "added" as const };
    if (changed.has(id)) return { ...n, status: "changed" as const, changedFields: changed.get(id)! };
    return { ...n, status: "unchanged" as const };
  });
  for (const n of oldGraph.nodes) if (removed.has(n.componentId ?? n.id)) nodes.push({ ...n, status: "removed" });
  const newEdgeIds = new Set(newGraph.edges.map((e) => e.id));
  const addedEdges = new Set(diff.edges.added.map((e) => `${e.from}->${e.to}`));
  const edges: DiffGraph["edges"] = newGraph.edges.map((e) => ({ ...e, status: addedEdges.has(e.id) ? "added" : "unchanged" }));
  for (const e of oldGraph.edges) if (!newEdgeIds.has(e.id)) edges.push({ ...e, status: "removed" });
  return { nodes, edges };
}
