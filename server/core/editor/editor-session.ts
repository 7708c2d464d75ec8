/**
 * The editor's state and its one entry point, {@link dispatch}: graph edits, YAML typing, undo
 * and redo. A session is an immutable value (a reducer's state). An edit changes the session's
 * `yaml` Document in place (apply-edit.ts) and hands it over to the next session — cloning a
 * 200-component Document would cost more than the edit — so the previous session re-parses its
 * text if it is ever used again ({@link sessionDocument}). The text comes from a three-way merge
 * so the user's untouched lines keep their bytes (text-merge.ts). Invalid YAML typed in the YAML
 * panel is kept (it is the user's text) but leaves the graph as it was and refuses graph edits.
 */
import type { Document, ToStringOptions } from "yaml";
import { applyEdit } from "./apply-edit";
import { isDeepStrictEqual } from "./deep-equal";
import { autoLayout, placeNewNodes, type LayoutOptions } from "./auto-layout";
import { graphFromDocument, lineCol, type EditorGraph } from "./editor-graph";
import type { EditError, EditOp } from "./edit-op";
import { createHistory, recordChange, redo, undo, type History, type HistoryOptions } from "./history";
import { emptyLayout, withPositions, type EditorLayout } from "./layout-model";
import { mergeEditDetailed } from "./text-merge";
import { detectStyle, parsePipelineDocument } from "./yaml-document";

/** What undo/redo restores. */
export interface EditorSnapshot {
  text: string;
  layout: EditorLayout;
}

/** Position of the first YAML syntax error. */
export interface YamlError {
  line: number;
  column: number;
  message: string;
}

/** The editor's state. Read-only: change it with {@link dispatch}. */
export interface EditorSession {
  readonly text: string;
  readonly layout: EditorLayout;
  /** The graph of the last text that parsed (kept while the YAML is broken). */
  readonly graph: EditorGraph;
  readonly yamlError?: YamlError;
  readonly history: History<EditorSnapshot>;
  readonly style: ToStringOptions;
  readonly layoutOptions: LayoutOptions;
}

/**
 * Everything the UI can do to a session; `at` is the caller's clock in ms (coalescing). A
 * `set-text` is typing in the YAML panel (merged with typing just before it) unless it has a
 * `label`: then it is a change of its own — an import is `{ label: "import a.yaml", coalesce:
 * false }`, always one undo step; the pipeline's name field coalesces only with itself.
 */
export type EditorAction = { type: "edit"; op: EditOp; at: number } | { type: "set-text"; text: string; at: number; label?: string; coalesce?: boolean } | { type: "undo" } | { type: "redo" };

/** The next session, and the refusal when the action was not applied (the session is then unchanged). */
export interface DispatchResult {
  session: EditorSession;
  error?: EditError;
}

/** Options of {@link openSession}. */
export interface OpenSessionOptions {
  /** Stored positions (layout map of the version); nodes without one are placed automatically. */
  layout?: EditorLayout;
  history?: HistoryOptions;
  layoutOptions?: LayoutOptions;
  at?: number;
}

// The Document serialised in the file's style: the base of the next merge, computed once per doc.
const serialised = new WeakMap<Document, string>();
// Which session's text each Document currently represents (an edit moves it to the next session).
const documents = new WeakMap<EditorSession, Document>();
const owners = new WeakMap<Document, EditorSession>();

function own(session: EditorSession, doc: Document): EditorSession {
  documents.set(session, doc);
  owners.set(doc, session);
  return session;
}

/**
 * The session's text as a `yaml` Document (with `errors` when the YAML is broken). Read it, never
 * change it: edits go through {@link dispatch}. Re-parsed when a later session took it over.
 */
export function sessionDocument(session: EditorSession): Document {
  const doc = documents.get(session);
  if (doc && owners.get(doc) === session) return doc;
  const fresh = parsePipelineDocument(session.text);
  own(session, fresh);
  return fresh;
}

function serialise(doc: Document, style: ToStringOptions): string {
  let text = serialised.get(doc);
  if (text === undefined) serialised.set(doc, (text = doc.toString(style)));
  return text;
}

function snapshotSize(s: EditorSnapshot): number {
  return s.text.length * 2 + Object.keys(s.layout.positions).length * 64;
}

/** Opens pipeline text (a version, an import, or a new-pipeline template). */
export function openSession(text: string, opts: OpenSessionOptions = {}): EditorSession {
  const layoutOptions = opts.layoutOptions ?? {};
  const { doc, ...state } = fromText(text, opts.layout ?? emptyLayout(), { nodes: [], edges: [] }, layoutOptions);
  const history = createHistory<EditorSnapshot>({ text, layout: state.layout }, { ...(opts.history ?? {}), at: opts.at ?? 0, size: snapshotSize({ text, layout: state.layout }) });
  return own({ ...state, history, layoutOptions }, doc);
}

/** Parses `text` into session fields; a broken text keeps `previousGraph`. */
function fromText(text: string, layout: EditorLayout, previousGraph: EditorGraph, layoutOptions: LayoutOptions): Omit<EditorSession, "history" | "layoutOptions"> & { doc: Document } {
  const doc = parsePipelineDocument(text);
  const style = detectStyle(text);
  const err = doc.errors[0];
  if (err) {
    const [line, column] = lineCol(text, err.pos[0]);
    return { text, layout, doc, graph: previousGraph, style, yamlError: { line, column, message: err.message.split("\n")[0]!.trim() } };
  }
  const placed = withPlacedNodes(doc, layout, layoutOptions);
  return { text, layout: placed.layout, doc, graph: placed.graph, style };
}

function withPlacedNodes(doc: Document, layout: EditorLayout, layoutOptions: LayoutOptions): { graph: EditorGraph; layout: EditorLayout } {
  const graph = graphFromDocument(doc, layout);
  const added = placeNewNodes(graph, layout, layoutOptions);
  if (Object.keys(added).length === 0) return { graph, layout };
  const next = withPositions(layout, added);
  return { graph: withLayout(graph, next), layout: next };
}

/** Applies one action. Pure: `session` is never changed. */
export function dispatch(session: EditorSession, action: EditorAction): DispatchResult {
  switch (action.type) {
    case "undo":
    case "redo": {
      const history = action.type === "undo" ? undo(session.history) : redo(session.history);
      if (history === session.history) return { session };
      const { text, layout } = history.present.state;
      const { doc, ...state } = fromText(text, layout, session.graph, session.layoutOptions);
      return { session: own({ ...state, history, layoutOptions: session.layoutOptions }, doc) };
    }
    case "set-text": {
      if (action.text === session.text) return { session };
      const { doc, ...state } = fromText(action.text, session.layout, session.graph, session.layoutOptions);
      const snapshot = { text: state.text, layout: state.layout };
      const label = action.label ?? "YAML edit";
      const key = action.coalesce === false ? {} : { coalesceKey: action.label === undefined ? "yaml-text" : `text:${action.label}` };
      const history = recordChange(session.history, snapshot, { label, at: action.at, size: snapshotSize(snapshot), ...key });
      return { session: own({ ...state, history, layoutOptions: session.layoutOptions }, doc) };
    }
    case "edit":
      return edit(session, action.op, action.at);
  }
}

function edit(session: EditorSession, op: EditOp, at: number): DispatchResult {
  if (session.yamlError && op.kind !== "move" && op.kind !== "auto-layout") {
    const e = session.yamlError;
    return { session, error: { code: "edit.yaml-invalid", message: `the YAML has a syntax error at line ${e.line}, column ${e.column} (${e.message}); fix it before editing the graph` } };
  }
  // Layout-only ops never touch the Document, so they also work on a broken YAML's last graph.
  if (op.kind === "move" || op.kind === "auto-layout") return layoutEdit(session, op, at);
  const doc = sessionDocument(session);
  const before = serialise(doc, session.style);
  let outcome: ReturnType<typeof applyEdit>;
  try {
    outcome = applyEdit(doc, session.layout, op, session.layoutOptions);
  } catch (err) {
    // An op the checks let through but the yaml library refused: the Document may be half
    // changed, so this session re-parses its text next time; nothing else was touched.
    owners.delete(doc);
    return { session, error: { code: "edit.invalid", message: `cannot apply ${op.kind}: ${err instanceof Error ? err.message : String(err)}` } };
  }
  if (!outcome.ok) return { session, error: outcome.error };
  let text = session.text;
  if (outcome.changedYaml) {
    serialised.delete(doc);
    const after = serialise(doc, session.style);
    const merged = mergeEditDetailed(session.text, before, after);
    text = merged.text;
    // Where the user's formatting met the edit in a way that could matter, re-read the result:
    // should it disagree with the edited Document, the Document's own text is the safe answer
    // (restyled, nothing lost). Maps as Maps: a bad merge can read as a mapping with a collection
    // for a key, which plain objects could only hold stringified (and `yaml` warns about).
    const asData = { mapAsMap: true } as const;
    if (merged.adjacent && !merged.restyleOnly && !isDeepStrictEqual(parsePipelineDocument(text).toJS(asData), doc.toJS(asData))) text = after;
  }
  const placed = withPlacedNodes(doc, outcome.layout, session.layoutOptions);
  const snapshot = { text, layout: placed.layout };
  const history = recordChange(session.history, snapshot, { label: describeOp(op), at, size: snapshotSize(snapshot), ...coalesceKey(op) });
  return { session: own({ text, layout: placed.layout, graph: placed.graph, history, style: session.style, layoutOptions: session.layoutOptions }, doc) };
}

function layoutEdit(session: EditorSession, op: Extract<EditOp, { kind: "move" | "auto-layout" }>, at: number): DispatchResult {
  let layout: EditorLayout;
  if (op.kind === "auto-layout") {
    layout = { version: 1, positions: autoLayout(session.graph, session.layoutOptions) };
  } else {
    const known = new Set(session.graph.nodes.map((n) => n.id));
    const unknown = Object.keys(op.positions).find((id) => !known.has(id));
    if (unknown !== undefined) return { session, error: { code: "node.not-found", message: `no component "${unknown}" in the pipeline`, field: "positions" } };
    layout = withPositions(session.layout, op.positions);
  }
  const snapshot = { text: session.text, layout };
  const history = recordChange(session.history, snapshot, { label: describeOp(op), at, size: snapshotSize(snapshot), ...coalesceKey(op) });
  const next: EditorSession = { ...session, layout, graph: withLayout(session.graph, layout), history };
  const doc = documents.get(session);
  return { session: doc && owners.get(doc) === session ? own(next, doc) : next };
}

function withLayout(graph: EditorGraph, layout: EditorLayout): EditorGraph {
  return { nodes: graph.nodes.map((n) => (layout.positions[n.id] ? { ...n, position: layout.positions[n.id]! } : n)), edges: graph.edges };
}

/** Rapid repeats of the same field edit (typing in the inspector) or the same drag merge into one undo step. */
function coalesceKey(op: EditOp): { coalesceKey?: string } {
  if (op.kind === "set-field" || op.kind === "unset-field") return { coalesceKey: `field:${op.id}:${op.path.join(".")}` };
  if (op.kind === "move") return { coalesceKey: `move:${Object.keys(op.positions).sort().join(",")}` };
  return {};
}

/** A short label for the undo menu. */
export function describeOp(op: EditOp): string {
  switch (op.kind) {
    case "add-component":
      return `add ${op.id ?? (op.origin.kind === "builtin" ? op.origin.name : op.role)}`;
    case "delete":
      return `delete ${[...(op.nodes ?? []), ...(op.edges ?? []).map((e) => `${e.from} → ${e.to}`)].join(", ")}`;
    case "connect":
      return `connect ${op.from} → ${op.to}`;
    case "disconnect":
      return `disconnect ${op.from} → ${op.to}`;
    case "rename":
      return `rename ${op.id} to ${op.newId}`;
    case "set-field":
    case "unset-field":
      return `${op.kind === "set-field" ? "set" : "unset"} ${op.id} ${op.path.join(".")}`;
    case "rename-key":
      return `rename ${op.id} ${op.path.join(".")}.${op.from} to ${op.to}`;
    case "paste":
      return `paste ${op.clipboard.components.length} component(s)`;
    case "move":
      return `move ${Object.keys(op.positions).join(", ")}`;
    case "auto-layout":
      return "auto-layout";
  }
}
