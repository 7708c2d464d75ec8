/**
 * The pipeline graph: nodes are component ids, an edge `from → to` exists for every entry of
 * `to.inputs`. Pure functions used by validation, the engine's router and the console's layout.
 */
/** A node as declared: its id and the ids it reads from. */
export interface GraphNode {
  id: string;
  inputs: readonly string[];
}

/** A data-flow edge: events go from `from` to `to`. */
export interface Edge {
  from: string;
  to: string;
}

/** The graph with adjacency in both directions; ids in declaration order. */
export interface Dag {
  ids: string[];
  edges: Edge[];
  upstream: Map<string, string[]>;
  downstream: Map<string, string[]>;
}

/** Builds the graph, ignoring inputs that name unknown ids (validation reports those). */
export function buildDag(nodes: readonly GraphNode[]): Dag {
  const ids = nodes.map((n) => n.id);
  const known = new Set(ids);
  const upstream = new Map<string, string[]>(ids.map((id) => [id, []]));
  const downstream = new Map<string, string[]>(ids.map((id) => [id, []]));
  const edges: Edge[] = [];
  for (const n of nodes) {
    for (const from of new Set(n.inputs)) {
      if (!known.has(from)) continue;
      edges.push({ from, to: n.id });
      upstream.get(n.id)!.push(from);
      downstream.get(from)!.push(n.id);
    }
  }
  return { ids, edges, upstream, downstream };
}

/** One cycle as a closed path `[a, b, c, a]`, or undefined when the graph is acyclic. */
export function findCycle(dag: Dag): string[] | undefined {
  const state = new Map<string, 0 | 1 | 2>(); // 0 new, 1 on stack, 2 done
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 1);
    stack.push(id);
    for (const next of dag.downstream.get(id) ?? []) {
      const s = state.get(next) ?? 0;
      if (s === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (s === 0) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const id of dag.ids) {
    if ((state.get(id) ?? 0) === 0) {
      const found = visit(id);
      if (found) return found;
    }
  }
  return undefined;
}

/** Every distinct elementary cycle would be exponential; this returns each strongly connected
 * component with more than one node (or a self-loop), each as one representative closed path. */
export function findCycles(dag: Dag): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const id of dag.ids) {
    if (seen.has(id)) continue;
    const sub = restrict(dag, reachableFrom(dag, [id]));
    const cycle = findCycle(sub);
    if (cycle) {
      cycle.forEach((c) => seen.add(c));
      if (!cycles.some((known) => sameCycle(known, cycle))) cycles.push(cycle);
    }
  }
  return cycles;
}

function sameCycle(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  return a.length === b.length && b.every((x) => sa.has(x));
}

function restrict(dag: Dag, keep: Set<string>): Dag {
  return buildDag(dag.ids.filter((id) => keep.has(id)).map((id) => ({ id, inputs: dag.upstream.get(id) ?? [] })));
}

/** Topological order (Kahn); undefined when there is a cycle. Ties keep declaration order. */
export function topoSort(dag: Dag): string[] | undefined {
  const indegree = new Map(dag.ids.map((id) => [id, dag.upstream.get(id)!.length]));
  const ready = dag.ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const next of dag.downstream.get(id)!) {
      const d = indegree.get(next)! - 1;
      indegree.set(next, d);
      if (d === 0) ready.push(next);
    }
  }
  return order.length === dag.ids.length ? order : undefined;
}

/** Ids reachable from `starts` (inclusive) following edges downstream. */
export function reachableFrom(dag: Dag, starts: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...starts];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    todo.push(...(dag.downstream.get(id) ?? []));
  }
  return seen;
}

/** Ids from which `id` is reachable (exclusive), i.e. everything upstream of it. */
export function upstreamOf(dag: Dag, id: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(dag.upstream.get(id) ?? [])];
  while (todo.length > 0) {
    const cur = todo.pop()!;
    if (seen.has(cur)) continue;
    seen.add(cur);
    todo.push(...(dag.upstream.get(cur) ?? []));
  }
  return seen;
}

/** Ids reachable from `id` (exclusive). */
export function downstreamOf(dag: Dag, id: string): Set<string> {
  const all = reachableFrom(dag, dag.downstream.get(id) ?? []);
  return all;
}
