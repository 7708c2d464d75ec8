/**
 * `validate()` diagnostics → what the canvas badges. Each diagnostic's `path` (e.g.
 * `spec.sinks[1].inputs[0]`) names the component it is about; a path into `inputs` that resolves
 * to a drawn edge badges the edge (a cycle's closing edge, a sink used as input). Everything else —
 * syntax errors, metadata, `spec.pipelines`, a missing `spec.sinks` — is about the pipeline.
 */
import type { Diagnostic, Severity } from "../spec/index";
import type { EditorGraph } from "./editor-graph";
import { ROLE_LIST_KEYS } from "./yaml-document";

/** What a diagnostic is about. */
export type DiagnosticTarget = { kind: "node"; id: string } | { kind: "edge"; id: string } | { kind: "pipeline" };

/** Diagnostics grouped by what they concern, each list in the order given (validate's reading order). */
export interface GraphDiagnostics {
  /** Every diagnostic with its target, in the order given (the problems list). */
  placed: { diagnostic: Diagnostic; target: DiagnosticTarget }[];
  byNode: Record<string, Diagnostic[]>;
  byEdge: Record<string, Diagnostic[]>;
  pipeline: Diagnostic[];
}

const COMPONENT_PATH = /^spec\.(sources|processors|sinks)\[(\d+)\](?:\.inputs\[(\d+)\])?/;

/** The node or edge `path` concerns in `graph`, or the pipeline. */
export function diagnosticTarget(graph: EditorGraph, path: string): DiagnosticTarget {
  const m = COMPONENT_PATH.exec(path);
  if (!m) return { kind: "pipeline" };
  const listKey = m[1]!;
  const index = Number(m[2]);
  const node = graph.nodes.find((n) => ROLE_LIST_KEYS[n.role] === listKey && n.index === index);
  if (!node) return { kind: "pipeline" };
  if (m[3] !== undefined) {
    const inputIndex = Number(m[3]);
    const edge = graph.edges.find((e) => e.to === node.id && e.inputIndex === inputIndex);
    if (edge) return { kind: "edge", id: edge.id };
  }
  return { kind: "node", id: node.id };
}

/** Places every diagnostic on the graph. */
export function mapDiagnostics(graph: EditorGraph, diagnostics: readonly Diagnostic[]): GraphDiagnostics {
  const out: GraphDiagnostics = { placed: [], byNode: {}, byEdge: {}, pipeline: [] };
  for (const diagnostic of diagnostics) {
    const target = diagnosticTarget(graph, diagnostic.path);
    out.placed.push({ diagnostic, target });
    if (target.kind === "node") (out.byNode[target.id] ??= []).push(diagnostic);
    else if (target.kind === "edge") (out.byEdge[target.id] ??= []).push(diagnostic);
    else out.pipeline.push(diagnostic);
  }
  return out;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, hint: 1 };

/** The most severe level among `diagnostics` (the badge colour), or undefined for none. */
export function worstSeverity(diagnostics: readonly Diagnostic[] | undefined): Severity | undefined {
  let worst: Severity | undefined;
  for (const d of diagnostics ?? []) if (worst === undefined || RANK[d.severity] > RANK[worst]) worst = d.severity;
  return worst;
}
