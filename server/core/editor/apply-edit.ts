/**
 * Applies one {@link EditOp} to a pipeline `yaml` Document, in place, and to its layout. The
 * Document is never rebuilt: comments, key order and formatting of everything the op does not
 * touch survive. An op is checked completely before the first change, so a refused op (returned,
 * never thrown) leaves the Document as it was.
 */
import { isMap, isScalar, isSeq, type Document } from "yaml";
import { autoLayout, type LayoutOptions } from "./auto-layout";
import { clipboardPlan } from "./clipboard";
import {
  appendInput,
  checkNewId,
  checkRoleList,
  createValueNode,
  ensureRoleList,
  newComponentData,
  removeInputs,
  renameKey,
  setField,
  takenIds,
  uniqueId,
  unsetField,
  type Checked,
} from "./component-edits";
import { canConnect } from "./connection-rules";
import { graphFromDocument } from "./editor-graph";
import type { EditError, EditOp } from "./edit-op";
import { renamedIn, withoutIds, withPositions, type EditorLayout } from "./layout-model";
import { componentsByKey, ROLE_LIST_KEYS, specMap, type ComponentRef } from "./yaml-document";

/** What an applied edit leaves: the new layout and the graph ids to select (added, pasted, renamed). */
export type EditOutcome = { ok: true; layout: EditorLayout; selection: string[]; changedYaml: boolean } | { ok: false; error: EditError };

const refuse = (error: EditError): EditOutcome => ({ ok: false, error });
const done = (layout: EditorLayout, selection: string[] = [], changedYaml = true): EditOutcome => ({ ok: true, layout, selection, changedYaml });

/** Applies `op` to `doc` (in place) and `layout` (copied). */
export function applyEdit(doc: Document, layout: EditorLayout, op: EditOp, layoutOptions: LayoutOptions = {}): EditOutcome {
  if (op.kind === "move") return move(doc, layout, op.positions);
  if (doc.errors.length > 0) {
    return refuse({ code: "edit.yaml-invalid", message: "the YAML has syntax errors; fix them in the YAML panel before editing the graph" });
  }
  switch (op.kind) {
    case "auto-layout":
      return done({ version: 1, positions: autoLayout(graphFromDocument(doc), layoutOptions) }, [], false);
    case "add-component":
      return addComponent(doc, layout, op);
    case "delete":
      return remove(doc, layout, op.nodes ?? [], op.edges ?? []);
    case "connect":
      return connect(doc, layout, op.from, op.to);
    case "disconnect":
      return disconnect(doc, layout, op.from, op.to);
    case "rename":
      return rename(doc, layout, op.id, op.newId);
    case "set-field":
      return onComponent(doc, layout, op.id, (ref) => setField(doc, ref, op.path, op.value));
    case "unset-field":
      return onComponent(doc, layout, op.id, (ref) => unsetField(ref, op.path));
    case "rename-key":
      return onComponent(doc, layout, op.id, (ref) => renameKey(ref, op.path, op.from, op.to));
    case "paste":
      return paste(doc, layout, op);
  }
}

function notFound(id: string, field = "id"): EditError {
  return { code: "node.not-found", message: `no component "${id}" in the pipeline`, field };
}

function onComponent(doc: Document, layout: EditorLayout, id: string, change: (ref: ComponentRef) => Checked<null>): EditOutcome {
  const ref = componentsByKey(doc).get(id);
  if (!ref) return refuse(notFound(id));
  const r = change(ref);
  return r.ok ? done(layout, [id]) : refuse(r.error);
}

function move(doc: Document, layout: EditorLayout, positions: Readonly<Record<string, { x: number; y: number }>>): EditOutcome {
  // Moving works on the last good graph even while the YAML is broken: it never touches the text.
  const known = componentsByKey(doc);
  const unknown = Object.keys(positions).find((id) => !known.has(id));
  if (unknown !== undefined && doc.errors.length === 0) return refuse(notFound(unknown, "positions"));
  return done(withPositions(layout, positions), Object.keys(positions), false);
}

function addComponent(doc: Document, layout: EditorLayout, op: Extract<EditOp, { kind: "add-component" }>): EditOutcome {
  const taken = takenIds(doc);
  let id: string;
  if (op.id !== undefined) {
    const problem = checkNewId(op.id, taken);
    if (problem) return refuse(problem);
    id = op.id;
  } else {
    id = uniqueId(op.origin.kind === "builtin" ? op.origin.name : op.role, taken, op.role);
  }
  const inputs = [...new Set(op.inputs ?? [])];
  if (inputs.length > 0 && op.role === "source") return refuse({ code: "connect.into-source", message: "sources take no inputs", field: "inputs" });
  const refs = componentsByKey(doc);
  for (const input of inputs) {
    const from = refs.get(input);
    if (!from || from.id !== input) return refuse(notFound(input, "inputs"));
    if (from.role === "sink") return refuse({ code: "connect.out-of-sink", message: `"${input}" is a sink: sinks consume events and have no output`, field: "inputs" });
  }
  const data = newComponentData(op.role, op.origin, id, { withDefaults: op.withDefaults ?? true, inputs, env: op.env ?? {} });
  if (!data.ok) return refuse(data.error);
  const list = ensureRoleList(doc, op.role);
  if (!list.ok) return refuse(list.error);
  list.value.add(createValueNode(doc, data.value));
  return done(op.position ? withPositions(layout, { [id]: op.position }) : layout, [id]);
}

function remove(doc: Document, layout: EditorLayout, nodeIds: readonly string[], edges: readonly { from: string; to: string }[]): EditOutcome {
  const refs = componentsByKey(doc);
  const doomed: ComponentRef[] = [];
  for (const id of new Set(nodeIds)) {
    const ref = refs.get(id);
    if (!ref) return refuse(notFound(id, "nodes"));
    doomed.push(ref);
  }
  const graph = graphFromDocument(doc);
  for (const e of edges) {
    if (!graph.edges.some((g) => g.from === e.from && g.to === e.to)) return refuse({ code: "edge.not-found", message: `"${e.from}" is not an input of "${e.to}"`, field: "edges" });
  }
  for (const e of edges) removeInputs(refs.get(e.to)!, new Set([e.from]));
  // A deleted id stops being referenced, unless another component still carries it (a duplicate).
  const survivors = new Set([...refs.values()].filter((r) => !doomed.includes(r) && r.id !== undefined).map((r) => r.id!));
  const gone = new Set(doomed.filter((r) => r.id !== undefined && !survivors.has(r.id)).map((r) => r.id!));
  if (gone.size > 0) for (const ref of refs.values()) if (!doomed.includes(ref)) removeInputs(ref, gone);
  for (const ref of [...doomed].sort((a, b) => b.index - a.index)) {
    const list = specMap(doc)!.get(ROLE_LIST_KEYS[ref.role], true);
    if (isSeq(list)) list.items.splice(ref.index, 1);
  }
  return done(withoutIds(layout, nodeIds), []);
}

function connect(doc: Document, layout: EditorLayout, from: string, to: string): EditOutcome {
  const verdict = canConnect(graphFromDocument(doc), from, to);
  if (!verdict.ok) return refuse({ code: verdict.code, message: verdict.reason });
  const r = appendInput(doc, componentsByKey(doc).get(to)!, from);
  return r.ok ? done(layout, [to]) : refuse(r.error);
}

function disconnect(doc: Document, layout: EditorLayout, from: string, to: string): EditOutcome {
  const ref = componentsByKey(doc).get(to);
  if (!ref) return refuse(notFound(to, "to"));
  if (!removeInputs(ref, new Set([from]))) return refuse({ code: "edge.not-found", message: `"${from}" is not an input of "${to}"`, field: "from" });
  return done(layout, [to]);
}

function rename(doc: Document, layout: EditorLayout, id: string, newId: string): EditOutcome {
  const refs = componentsByKey(doc);
  const ref = refs.get(id);
  if (!ref) return refuse(notFound(id));
  if (newId === ref.id) return done(layout, [id], false);
  const problem = checkNewId(newId, takenIds(doc), "newId");
  if (problem) return refuse(problem);
  const idNode = ref.node.get("id", true);
  if (isScalar(idNode)) idNode.value = newId;
  else ref.node.items.unshift(doc.createPair("id", newId)); // a component without id gets one
  const old = ref.id;
  if (old !== undefined) {
    // Every reference follows: inputs of data-flow components, depends_on of any entry.
    for (const key of [...Object.values(ROLE_LIST_KEYS), "pipelines"]) {
      const list = specMap(doc)?.get(key, true);
      if (!isSeq(list)) continue;
      for (const item of list.items) {
        if (!isMap(item)) continue;
        for (const refKey of ["inputs", "depends_on"]) {
          const seq = item.get(refKey, true);
          if (isSeq(seq)) for (const s of seq.items) if (isScalar(s) && s.value === old) s.value = newId;
        }
      }
    }
  }
  return done(renamedIn(layout, id, newId), [newId]);
}

function paste(doc: Document, layout: EditorLayout, op: Extract<EditOp, { kind: "paste" }>): EditOutcome {
  const plan = clipboardPlan(op.clipboard, takenIds(doc), op.offset ?? { x: 40, y: 40 });
  for (const item of plan.components) {
    const problem = checkRoleList(doc, item.role);
    if (problem) return refuse(problem);
  }
  for (const item of plan.components) {
    const list = ensureRoleList(doc, item.role);
    if (list.ok) list.value.add(createValueNode(doc, item.data));
  }
  return done(withPositions(layout, plan.positions), plan.components.map((c) => c.data.id as string));
}
