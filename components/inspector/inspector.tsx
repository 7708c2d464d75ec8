"use client";
/**
 * The inspector: the selected component's form, an edge's endpoints, a multi-selection's actions,
 * or — with nothing selected — the pipeline's own problems and the keyboard shortcuts.
 */
import { useMemo, type ReactNode } from "react";
import type { EditOp } from "@/server/core/editor/edit-op";
import { sessionDocument, type DispatchResult, type EditorAction, type EditorSession } from "@/server/core/editor/editor-session";
import { componentsByKey } from "@/server/core/editor/yaml-document";
import type { Diagnostic } from "@/server/core/spec/index";
import { Button } from "@/components/ui/ui";
import { ComponentForm } from "./component-form";
import styles from "./inspector.module.css";

export interface InspectorProps {
  session: EditorSession;
  byNode: Readonly<Record<string, readonly Diagnostic[]>>;
  byEdge: Readonly<Record<string, readonly Diagnostic[]>>;
  pipelineProblems: readonly Diagnostic[];
  nodes: readonly string[];
  edges: readonly string[];
  act: (a: EditorAction) => DispatchResult;
  /** The selection after a rename (the node's graph id changed). */
  onRenamed: (from: string, to: string) => void;
  onDeleteSelection: () => void;
  onCopySelection: () => void;
  replicasHint: (id: string) => ReactNode;
}

function Problems({ list }: { list: readonly Diagnostic[] }) {
  if (list.length === 0) return null;
  return (
    <ul className={styles.problems} data-testid="inspector-problems">
      {list.map((d, i) => (
        <li key={i} data-severity={d.severity}>
          {d.message}
          {d.fix && <div className="muted">{d.fix}</div>}
        </li>
      ))}
    </ul>
  );
}

const isMac = () => typeof navigator !== "undefined" && /Mac/.test(navigator.platform);

export function Inspector(p: InspectorProps) {
  const { session, act } = p;
  const nodeId = p.nodes.length === 1 && p.edges.length === 0 ? p.nodes[0]! : null;
  const node = nodeId ? session.graph.nodes.find((n) => n.id === nodeId) : undefined;
  const values = useMemo(() => {
    if (!node) return {};
    const ref = componentsByKey(sessionDocument(session)).get(node.id);
    return (ref?.node.toJSON() ?? {}) as Record<string, unknown>;
  }, [session, node]);

  if (node) {
    const edit = (op: EditOp): string | undefined => act({ type: "edit", op, at: Date.now() }).error?.message;
    const rename = (newId: string) => {
      const r = act({ type: "edit", op: { kind: "rename", id: node.id, newId }, at: Date.now() });
      if (!r.error) p.onRenamed(node.id, newId);
      return r.error?.message;
    };
    const inputs = session.graph.edges.filter((e) => e.to === node.id);
    return (
      <aside className={styles.inspector} aria-label="Inspector" data-testid="inspector" data-node={node.id}>
        <header className={styles.head}>
          <span className={styles.role} data-role={node.role}>
            {node.role}
          </span>
          <strong>{node.label}</strong>
          <span className="muted">{node.detail}</span>
        </header>
        <Problems list={p.byNode[node.id] ?? []} />
        <ComponentForm key={node.id} node={node} values={values} diagnostics={p.byNode[node.id] ?? []} edit={edit} rename={rename} replicasHint={p.replicasHint(node.id)} />
        {node.role !== "source" && (
          <div className={styles.inputs}>
            <h4>Inputs</h4>
            {inputs.length === 0 && node.unknownInputs.length === 0 && <p className="muted">Drag from another component’s right handle to this one to connect it.</p>}
            {inputs.map((e) => (
              <div key={e.id} className={styles.inputRow}>
                <code>{e.from}</code>
                <Button size="small" onClick={() => edit({ kind: "disconnect", from: e.from, to: e.to })} aria-label={`Disconnect ${e.from}`}>
                  Disconnect
                </Button>
              </div>
            ))}
            {node.unknownInputs.map((u) => (
              <div key={u} className={styles.inputRow}>
                <code>{u}</code> <span className={styles.fieldError}>no such component</span>
              </div>
            ))}
          </div>
        )}
        <div className={styles.footer}>
          <Button size="small" onClick={p.onCopySelection}>
            Copy
          </Button>
          <Button size="small" variant="danger" onClick={p.onDeleteSelection}>
            Delete component
          </Button>
        </div>
      </aside>
    );
  }

  const edgeId = p.edges.length === 1 && p.nodes.length === 0 ? p.edges[0]! : null;
  const edge = edgeId ? session.graph.edges.find((e) => e.id === edgeId) : undefined;
  if (edge) {
    return (
      <aside className={styles.inspector} aria-label="Inspector" data-testid="inspector">
        <header className={styles.head}>
          <span className={styles.role}>edge</span>
          <strong>
            {edge.from} → {edge.to}
          </strong>
        </header>
        <p className="muted">“{edge.to}” lists “{edge.from}” in its inputs. Its queue is the input queue of {edge.to}.</p>
        <Problems list={p.byEdge[edge.id] ?? []} />
        <div className={styles.footer}>
          <Button size="small" variant="danger" onClick={p.onDeleteSelection}>
            Delete edge
          </Button>
        </div>
      </aside>
    );
  }

  if (p.nodes.length + p.edges.length > 1) {
    return (
      <aside className={styles.inspector} aria-label="Inspector" data-testid="inspector">
        <header className={styles.head}>
          <strong>
            {p.nodes.length} component(s), {p.edges.length} edge(s) selected
          </strong>
        </header>
        <p className="muted">Copy them to paste a copy (ids made unique, edges between them kept), or delete them together.</p>
        <div className={styles.footer}>
          <Button size="small" onClick={p.onCopySelection} disabled={p.nodes.length === 0}>
            Copy
          </Button>
          <Button size="small" variant="danger" onClick={p.onDeleteSelection}>
            Delete
          </Button>
        </div>
      </aside>
    );
  }

  const mod = isMac() ? "⌘" : "Ctrl";
  return (
    <aside className={styles.inspector} aria-label="Inspector" data-testid="inspector">
      <header className={styles.head}>
        <strong>Pipeline</strong>
        <span className="muted">
          {session.graph.nodes.length} components · {session.graph.edges.length} edges
        </span>
      </header>
      <Problems list={p.pipelineProblems} />
      <p className="muted">Select a component to edit it. Drag components from the palette; connect a component’s right handle to another’s left handle.</p>
      <dl className={styles.keys}>
        <dt>Delete / Backspace</dt>
        <dd>delete the selection</dd>
        <dt>{mod}+C, {mod}+V</dt>
        <dd>copy, paste</dd>
        <dt>{mod}+A</dt>
        <dd>select everything</dd>
        <dt>{mod}+Z, {mod}+Shift+Z</dt>
        <dd>undo, redo (every change, YAML typing too)</dd>
        <dt>Shift+click, Shift+drag</dt>
        <dd>add to the selection, select an area</dd>
      </dl>
    </aside>
  );
}
