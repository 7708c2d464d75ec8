/**
 * Which connections the canvas accepts, with the reason it shows where the user dropped a refused
 * one. The same rules validation enforces on the YAML (graph.rules.ts), checked before the edit
 * so an illegal edge never reaches the file.
 */
import type { EditorGraph } from "./editor-graph";

/** Why a connection is refused (stable codes: the UI and tests match on them). */
export type ConnectRefusal =
  | "connect.unknown-node"
  | "connect.no-id"
  | "connect.self-loop"
  | "connect.into-source"
  | "connect.out-of-sink"
  | "connect.duplicate"
  | "connect.cycle";

/** Verdict of {@link canConnect}. */
export type ConnectVerdict = { ok: true } | { ok: false; code: ConnectRefusal; reason: string };

/** Whether `from → to` may be added (`to` would list `from` in its inputs). */
export function canConnect(graph: EditorGraph, from: string, to: string): ConnectVerdict {
  const source = graph.nodes.find((n) => n.id === from);
  const target = graph.nodes.find((n) => n.id === to);
  if (!source || !target) {
    return { ok: false, code: "connect.unknown-node", reason: `no component "${!source ? from : to}" in the pipeline` };
  }
  if (source.componentId === undefined || source.componentId !== source.id) {
    return { ok: false, code: "connect.no-id", reason: `${source.path} has no unique id yet; give it one before connecting from it` };
  }
  if (target.componentId === undefined || target.componentId !== target.id) {
    return { ok: false, code: "connect.no-id", reason: `${target.path} has no unique id yet; give it one before connecting to it` };
  }
  if (from === to) return { ok: false, code: "connect.self-loop", reason: `"${from}" cannot be its own input` };
  if (target.role === "source") {
    return { ok: false, code: "connect.into-source", reason: `"${to}" is a source: sources produce events and take no inputs` };
  }
  if (source.role === "sink") {
    return { ok: false, code: "connect.out-of-sink", reason: `"${from}" is a sink: sinks consume events and have no output` };
  }
  if (graph.edges.some((e) => e.from === from && e.to === to)) {
    return { ok: false, code: "connect.duplicate", reason: `"${from}" is already an input of "${to}"` };
  }
  const path = pathBetween(graph, to, from);
  if (path) {
    return { ok: false, code: "connect.cycle", reason: `would create the cycle ${[...path, to].join(" → ")}; pipelines must be acyclic` };
  }
  return { ok: true };
}

/** A shortest path `start → … → goal` following edges downstream (BFS), or undefined. */
function pathBetween(graph: EditorGraph, start: string, goal: string): string[] | undefined {
  const downstream = new Map<string, string[]>();
  for (const e of graph.edges) downstream.set(e.from, [...(downstream.get(e.from) ?? []), e.to]);
  const prev = new Map<string, string>([[start, start]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const cur = queue[i]!;
    if (cur === goal) {
      const path = [goal];
      for (let at = goal; at !== start; ) path.unshift((at = prev.get(at)!));
      return path;
    }
    for (const next of downstream.get(cur) ?? []) {
      if (prev.has(next)) continue;
      prev.set(next, cur);
      queue.push(next);
    }
  }
  return undefined;
}
