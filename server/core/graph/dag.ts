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

/**
 * One representative cycle per strongly connected component that has one (every elementary
 * cycle would be exponential): the shortest closed path through the component's member declared
 * first, e.g. `[a, b, c, a]`; a self-loop is `[x, x]`. Linear time (Tarjan), in declaration order.
 */
export function findCycles(dag: Dag): string[][] {
  const order = new Map(dag.ids.map((id, i) => [id, i]));
  const cycles: string[][] = [];
  for (const scc of stronglyConnected(dag)) {
    const start = scc.reduce((a, b) => (order.get(a)! <= order.get(b)! ? a : b));
    const members = new Set(scc);
    const path = shortestPath(dag, start, start, members);
    if (path) cycles.push(path);
  }
  return cycles.sort((a, b) => order.get(a[0]!)! - order.get(b[0]!)!);
}

/** Tarjan's SCCs, iterative so deep graphs cannot overflow the stack. */
function stronglyConnected(dag: Dag): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of dag.ids) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const succ = dag.downstream.get(frame.id) ?? [];
      if (frame.next < succ.length) {
        const w = succ[frame.next++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== frame.id);
        const selfLoop = (dag.downstream.get(frame.id) ?? []).includes(frame.id);
        if (scc.length > 1 || selfLoop) out.push(scc);
      }
    }
  }
  return out;
}

/** Shortest path `from → … → to` (at least one edge) staying inside `within` (BFS). */
function shortestPath(dag: Dag, from: string, to: string, within: Set<string>): string[] | undefined {
  const prev = new Map<string, string>();
  const queue: string[] = [from];
  for (let i = 0; i < queue.length; i++) {
    const cur = queue[i]!;
    for (const next of dag.downstream.get(cur) ?? []) {
      if (!within.has(next)) continue;
      if (next === to) {
        const path = [to];
        for (let at: string | undefined = cur; at !== undefined && at !== from; at = prev.get(at)) path.unshift(at);
        return [from, ...path];
      }
      if (prev.has(next) || next === from) continue;
      prev.set(next, cur);
      queue.push(next);
    }
  }
  return undefined;
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
