/**
 * Graph rules: inputs name existing components, sources have none, processors and sinks have at
 * least one, sinks are never inputs, no cycles (the message prints the path), and every
 * component is reachable from a source.
 */
import { buildDag, findCycles, reachableFrom, type Dag } from "../../graph/dag";
import { closestMatch } from "../suggest";
import { describeComponent, isRecord, stringList, type RawComponent, type Rule, type RuleContext } from "./rule-context";

/** The data-flow components (pipelines entries are not wired), first occurrence of each id. */
function wiredComponents(ctx: RuleContext): Map<string, RawComponent> {
  const byId = new Map<string, RawComponent>();
  for (const c of ctx.components) if (c.role !== "pipeline" && c.id !== undefined && !byId.has(c.id)) byId.set(c.id, c);
  return byId;
}

/** Builds the DAG of the components the graph rules consider (also used by the tuning rules). */
export function componentDag(ctx: RuleContext): { dag: Dag; byId: Map<string, RawComponent> } {
  const byId = wiredComponents(ctx);
  const dag = buildDag([...byId.values()].map((c) => ({ id: c.id!, inputs: stringList(c.value, "inputs").map((x) => x.item) })));
  return { dag, byId };
}

/** Graph rules: inputs, roles, cycles, reachability, sources and sinks present. */
export const graphRules: Rule = (ctx) => {
  requireSourcesAndSinks(ctx);
  const { dag, byId } = componentDag(ctx);
  const pipelineIds = new Set(ctx.components.filter((c) => c.role === "pipeline" && c.id !== undefined).map((c) => c.id!));
  const flagged = new Set<string>();

  for (const c of ctx.components) {
    if (c.role === "pipeline") continue;
    const inputs = c.value.inputs;
    const hasInputs = Array.isArray(inputs) && inputs.length > 0;
    if (c.role === "source") {
      if (hasInputs) {
        ctx.report({
          severity: "error",
          code: "graph.source-has-inputs",
          message: `source "${c.id ?? c.index}" has inputs; sources produce events and cannot consume them`,
          path: [...c.path, "inputs"],
          atKey: true,
          fix: "remove inputs, or move the component to processors",
        });
      }
      continue;
    }
    if (inputs !== undefined && !Array.isArray(inputs)) {
      if (c.id !== undefined) flagged.add(c.id); // the schema reports the type; no unreachable noise
      continue;
    }
    if (!hasInputs) {
      if (c.id !== undefined) flagged.add(c.id);
      const candidates = [...byId.values()].filter((o) => o.role !== "sink" && o.id !== c.id).map((o) => o.id!);
      const typo = Object.keys(c.value).find((k) => k !== "inputs" && closestMatch(k, ["inputs"]) === "inputs");
      ctx.report({
        severity: "error",
        code: "graph.missing-inputs",
        message: `${describeComponent(c)} has no inputs; ${c.role}s need at least one`,
        path: c.id !== undefined ? [...c.path, "id"] : c.path,
        fix:
          typo !== undefined
            ? `rename "${typo}" to "inputs"`
            : candidates.length > 0
              ? `add inputs: ["${candidates[candidates.length - 1]}"]`
              : "add inputs naming a source or processor",
      });
      continue;
    }
    const seen = new Set<string>();
    for (const { item, index } of stringList(c.value, "inputs")) {
      const at = [...c.path, "inputs", index];
      const target = byId.get(item);
      if (seen.has(item)) {
        ctx.report({ severity: "warning", code: "graph.duplicate-input", message: `${describeComponent(c)} lists input "${item}" twice; it is connected once`, path: at, fix: `remove the repeated "${item}"` });
        continue;
      }
      seen.add(item);
      if (!target) {
        if (c.id !== undefined) flagged.add(c.id);
        const guess = closestMatch(item, byId.keys());
        ctx.report({
          severity: "error",
          code: "graph.unknown-input",
          message: pipelineIds.has(item)
            ? `input "${item}" is a spec.pipelines entry; pipeline containers are not wired into the data flow`
            : `input "${item}" does not name any source or processor${guess ? `; did you mean "${guess}"?` : ""}`,
          path: at,
          fix: guess ? `use "${guess}"` : `use one of: ${[...byId.values()].filter((o) => o.role !== "sink").map((o) => o.id).join(", ") || "(none has an id yet: give the component this one reads from an id and list it here)"}`,
        });
      } else if (target.role === "sink") {
        ctx.report({
          severity: "error",
          code: "graph.sink-as-input",
          message: `input "${item}" is a sink; sinks consume events and produce none`,
          path: at,
          fix: `make "${item}" a processor if it should forward events, or remove it from inputs`,
        });
      }
    }
  }

  for (const cycle of findCycles(dag)) {
    cycle.forEach((id) => flagged.add(id));
    // The cycle [a, b, c, a] closes on the edge c → a: point at "c" in a's inputs.
    const closing = cycle[cycle.length - 1]!;
    const from = cycle[cycle.length - 2]!;
    const owner = byId.get(closing)!;
    const idx = stringList(owner.value, "inputs").find((x) => x.item === from)?.index ?? 0;
    ctx.report({
      severity: "error",
      code: "graph.cycle",
      message: `cycle: ${cycle.join(" → ")}; pipelines must be acyclic`,
      path: [...owner.path, "inputs", idx],
      fix: `remove "${from}" from the inputs of "${closing}" (or another edge of the cycle)`,
    });
  }

  const sources = [...byId.values()].filter((c) => c.role === "source").map((c) => c.id!);
  const reached = reachableFrom(dag, sources);
  for (const c of byId.values()) {
    if (c.role === "source" || reached.has(c.id!) || flagged.has(c.id!)) continue;
    ctx.report({
      severity: "warning",
      code: "graph.unreachable",
      message: `${describeComponent(c)} is not reachable from any source, so it will never receive events`,
      path: [...c.path, "id"],
      fix: "connect it (directly or through processors) to a source via inputs, or remove it",
    });
  }
};

function requireSourcesAndSinks(ctx: RuleContext): void {
  const spec = ctx.raw.spec;
  if (!isRecord(spec)) return;
  // A file with only spec.pipelines is a flowctl black-box file; its own warning explains it.
  if (Array.isArray(spec.pipelines) && spec.pipelines.length > 0) return;
  for (const [key, role, example] of [["sources", "source", "load-generator"], ["sinks", "sink", "stdout"]] as const) {
    const list = spec[key];
    if (list !== undefined && !Array.isArray(list)) continue; // the schema reports the type
    if (Array.isArray(list) && list.length > 0) continue;
    ctx.report({
      severity: "error",
      code: role === "source" ? "graph.no-sources" : "graph.no-sinks",
      message: `the pipeline has no ${key}; at least one ${role} is required`,
      path: list === undefined ? ["spec"] : ["spec", key],
      atKey: true,
      fix: `add spec.${key}: - { id: my-${role}, type: ${example}${role === "sink" ? ", inputs: [...]" : ""} }`,
    });
  }
}
