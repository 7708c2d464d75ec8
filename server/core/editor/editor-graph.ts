/**
 * YAML → editor graph. The YAML is the source of truth: the graph is derived from the Document on
 * every change and never edited directly (edits go through apply-edit.ts into the Document).
 * Nodes are sources, processors and sinks; an edge `from → to` exists for each entry of
 * `to.inputs` naming a component. `spec.pipelines` entries are not wired and not drawn.
 */
import type { Document } from "yaml";
import { findBuiltin, isRegistryRef, type ComponentRole } from "../spec/index";
import type { EditorLayout, Position } from "./layout-model";
import { componentKey, componentRefs, parsePipelineDocument, ROLE_LIST_KEYS } from "./yaml-document";

/** How a component is run, as the palette and the node's icon show it. */
export type NodeKind = "builtin" | "command" | "image" | "registry" | "unresolved";

/** One component on the canvas. */
export interface EditorNode {
  /** Graph key: the YAML id, or `#spec.<role>s[<i>]` when the id is missing or repeated. */
  id: string;
  /** The YAML `id` as written, when it is a non-empty string. */
  componentId?: string;
  role: ComponentRole;
  /** Index in `spec.<role>s`. */
  index: number;
  /** `spec.<role>s[<i>]`, the prefix of every diagnostic path about this component. */
  path: string;
  kind: NodeKind;
  type?: string;
  /** The built-in's name when `type` names one and there is no command/image. */
  builtin?: string;
  label: string;
  /** What runs: the type, the command line or the image. */
  detail?: string;
  /** ≥ 1 (0 and 1 both mean one instance). */
  replicas: number;
  /** Inputs naming no component (validation reports them; the canvas can show a dangling handle). */
  unknownInputs: string[];
  position?: Position;
}

/** One data-flow edge: `to` lists `from` in its inputs. */
export interface EditorEdge {
  /** `from->to` (ids never contain `>`). */
  id: string;
  from: string;
  to: string;
  /** Index of `from` in `to.inputs` (first occurrence). */
  inputIndex: number;
}

/** What the canvas draws. */
export interface EditorGraph {
  nodes: EditorNode[];
  edges: EditorEdge[];
}

/** The edge id of `from → to`. */
export function edgeId(from: string, to: string): string {
  return `${from}->${to}`;
}

type Raw = Record<string, unknown>;

const isRaw = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

function describe(value: Raw): { kind: NodeKind; builtin?: string; detail?: string } {
  const type = typeof value.type === "string" ? value.type : undefined;
  if (Array.isArray(value.command) && value.command.length > 0) return { kind: "command", detail: value.command.map(String).join(" ") };
  if (typeof value.image === "string") return { kind: "image", detail: value.image };
  const builtin = findBuiltin(type);
  if (builtin) return { kind: "builtin", builtin: builtin.name, detail: builtin.name };
  if (isRegistryRef(type)) return { kind: "registry", detail: type! };
  return type !== undefined ? { kind: "unresolved", detail: type } : { kind: "unresolved" };
}

/** The graph of a parsed Document; positions come from `layout` when given. */
export function graphFromDocument(doc: Document, layout?: EditorLayout): EditorGraph {
  const refs = componentRefs(doc);
  const nodes: EditorNode[] = [];
  const byComponentId = new Map<string, string>();
  const keys = new Set<string>();
  const values: Raw[] = [];
  for (const ref of refs) {
    const key = componentKey(ref, keys);
    keys.add(key);
    if (ref.id !== undefined && !byComponentId.has(ref.id)) byComponentId.set(ref.id, key);
    const value = ref.node.toJSON() as unknown;
    const raw = isRaw(value) ? value : {};
    values.push(raw);
    const replicas = typeof raw.replicas === "number" && Number.isInteger(raw.replicas) ? Math.max(1, raw.replicas) : 1;
    const { kind, builtin, detail } = describe(raw);
    const node: EditorNode = {
      id: key,
      role: ref.role,
      index: ref.index,
      path: `spec.${ROLE_LIST_KEYS[ref.role]}[${ref.index}]`,
      kind,
      label: ref.id ?? `(${ref.role} ${ref.index + 1} without id)`,
      replicas,
      unknownInputs: [],
    };
    if (ref.id !== undefined) node.componentId = ref.id;
    if (typeof raw.type === "string") node.type = raw.type;
    if (builtin !== undefined) node.builtin = builtin;
    if (detail !== undefined) node.detail = detail;
    const position = layout?.positions[key];
    if (position) node.position = { x: position.x, y: position.y };
    nodes.push(node);
  }
  const edges: EditorEdge[] = [];
  nodes.forEach((node, i) => {
    const inputs = values[i]!.inputs;
    if (!Array.isArray(inputs)) return;
    const seen = new Set<string>();
    inputs.forEach((input: unknown, inputIndex) => {
      if (typeof input !== "string" || seen.has(input)) return;
      seen.add(input);
      const from = byComponentId.get(input);
      if (from === undefined) node.unknownInputs.push(input);
      else edges.push({ id: edgeId(from, node.id), from, to: node.id, inputIndex });
    });
  });
  return { nodes, edges };
}

/** Result of {@link graphFromYaml}: the graph, or the first YAML syntax error when there is none. */
export type GraphFromYaml = { ok: true; graph: EditorGraph; doc: Document.Parsed } | { ok: false; error: { line: number; column: number; message: string } };

/** Parses text and maps it; YAML syntax errors leave no graph (the caller keeps the previous one). */
export function graphFromYaml(text: string, layout?: EditorLayout): GraphFromYaml {
  const doc = parsePipelineDocument(text);
  const err = doc.errors[0];
  if (err) {
    const [line, column] = lineCol(text, err.pos[0]);
    return { ok: false, error: { line, column, message: err.message.split("\n")[0]!.trim() } };
  }
  return { ok: true, graph: graphFromDocument(doc, layout), doc };
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): [number, number] {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split("\n").length;
  return [line, before.length - before.lastIndexOf("\n")];
}

/** Nodes by graph id. */
export function nodeIndex(graph: EditorGraph): Map<string, EditorNode> {
  return new Map(graph.nodes.map((n) => [n.id, n]));
}
