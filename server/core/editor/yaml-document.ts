/**
 * The editor's view of a pipeline `yaml` Document: parse it the way validation does, find the
 * component mappings, and serialise it in the file's own style so a graph edit changes as few
 * bytes as possible (text-merge.ts keeps the rest identical).
 */
import { isMap, isSeq, parseDocument, type Document, type ToStringOptions, type YAMLMap, type YAMLSeq } from "yaml";
import type { ComponentRole } from "../spec/index";

/** The list key of each data-flow role, in the order the spec declares them. */
export const ROLE_LIST_KEYS = { source: "sources", processor: "processors", sink: "sinks" } as const satisfies Record<ComponentRole, string>;

/** Data-flow roles in file order. */
export const EDITOR_ROLES = ["source", "processor", "sink"] as const satisfies readonly ComponentRole[];

/** A component mapping in the Document, with where it lives. */
export interface ComponentRef {
  role: ComponentRole;
  /** Index in `spec.<role>s`. */
  index: number;
  node: YAMLMap;
  /** The `id` when it is a non-empty string. */
  id?: string;
}

/** Parses pipeline text with the options validation uses (duplicate keys are errors). */
export function parsePipelineDocument(text: string): Document.Parsed {
  return parseDocument(text, { prettyErrors: false, uniqueKeys: true });
}

/** The `spec` mapping, when the document has one. */
export function specMap(doc: Document): YAMLMap | undefined {
  const spec = isMap(doc.contents) ? doc.contents.get("spec", true) : undefined;
  return isMap(spec) ? spec : undefined;
}

/** The `spec.<role>s` sequence, when present. */
export function roleList(doc: Document, role: ComponentRole): YAMLSeq | undefined {
  const list = specMap(doc)?.get(ROLE_LIST_KEYS[role], true);
  return isSeq(list) ? list : undefined;
}

/** Every source, processor and sink mapping in file order (entries that are not mappings skipped). */
export function componentRefs(doc: Document): ComponentRef[] {
  const out: ComponentRef[] = [];
  for (const role of EDITOR_ROLES) {
    roleList(doc, role)?.items.forEach((node, index) => {
      if (!isMap(node)) return;
      const id = node.get("id");
      out.push({ role, index, node, ...(typeof id === "string" && id !== "" ? { id } : {}) });
    });
  }
  return out;
}

/**
 * The graph key of each component: its id for the first component with that id, otherwise
 * `#spec.<role>s[<index>]` (`#` is never part of an id), so nodes stay addressable while the
 * YAML has a missing or repeated id.
 */
export function componentKey(ref: { role: ComponentRole; index: number; id?: string }, taken: { has(key: string): boolean }): string {
  if (ref.id !== undefined && !taken.has(ref.id)) return ref.id;
  return `#spec.${ROLE_LIST_KEYS[ref.role]}[${ref.index}]`;
}

/** Component refs by graph key (see {@link componentKey}). */
export function componentsByKey(doc: Document): Map<string, ComponentRef> {
  const out = new Map<string, ComponentRef>();
  for (const ref of componentRefs(doc)) out.set(componentKey(ref, out), ref);
  return out;
}

/**
 * Serialisation options matching the file: indentation width, whether block sequences are
 * indented under their key, and spaces inside flow collections. Never folds long lines.
 */
export function detectStyle(text: string): ToStringOptions {
  let indent = 2;
  let indentSeq = true;
  const lines = text.split("\n");
  for (let i = 0; i + 1 < lines.length; i++) {
    const key = /^(\s*)[^\s#-][^:#]*:\s*(#.*)?$/.exec(lines[i]!);
    if (!key) continue;
    const next = lines.slice(i + 1).find((l) => l.trim() !== "" && !l.trim().startsWith("#"));
    const child = next === undefined ? null : /^(\s*)(-\s)?/.exec(next);
    if (!child) continue;
    const depth = child[1]!.length - key[1]!.length;
    if (child[2]) {
      indentSeq = depth > 0;
      if (depth > 0) indent = depth;
      break;
    }
    if (depth > 0) indent = depth;
  }
  const padded = (text.match(/[[{] [^\s\]}]/g) ?? []).length;
  const tight = (text.match(/[[{][^\s\]}[{]/g) ?? []).length;
  return { indent, indentSeq, flowCollectionPadding: padded > tight, lineWidth: 0, minContentWidth: 0 };
}
