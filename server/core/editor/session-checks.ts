/**
 * Live validation of the editor: the same `validate()` as the CLI on the session's text, placed
 * on the graph, and the save rule (errors block a save, warnings and hints do not).
 */
import { hasErrors, validate, type Diagnostic } from "../spec/index";
import type { EditorSession } from "./editor-session";
import { mapDiagnostics, type GraphDiagnostics } from "./graph-diagnostics";

/** Diagnostics of a session, placed on its graph. */
export interface SessionCheck {
  diagnostics: Diagnostic[];
  placed: GraphDiagnostics;
  /** False while any diagnostic is an error; `blocking` lists them. */
  canSave: boolean;
  blocking: Diagnostic[];
}

/** Validates the session's text (the UI debounces calls) and places each diagnostic. */
export function checkSession(session: Pick<EditorSession, "text" | "graph">, opts: { file?: string } = {}): SessionCheck {
  const diagnostics = validate(session.text, opts.file !== undefined ? { file: opts.file } : {});
  const blocking = diagnostics.filter((d) => d.severity === "error");
  return { diagnostics, placed: mapDiagnostics(session.graph, diagnostics), canSave: !hasErrors(diagnostics), blocking };
}

/** The text a "New pipeline" starts from: valid YAML, empty role lists (validation asks for a source and a sink). */
export function newPipelineText(name: string): string {
  const safe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) ? name : JSON.stringify(name);
  return `apiVersion: flowctl/v1\nkind: Pipeline\nmetadata:\n  name: ${safe}\nspec:\n  sources: []\n  processors: []\n  sinks: []\n`;
}
