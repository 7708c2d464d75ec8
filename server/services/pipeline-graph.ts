/** A compiled pipeline as the console draws it: nodes and edges, no layout (the client lays out). */
import type { CompiledPipeline } from "../core/spec/compile";
import { loadPipeline } from "../core/spec/load-pipeline";
import type { PipelineGraph } from "./api-types";

/** Nodes in YAML order (sources, processors, sinks) and one edge per `inputs` entry. */
export function toPipelineGraph(pipeline: CompiledPipeline): PipelineGraph {
  const byId = new Map(pipeline.components.map((c) => [c.id, c]));
  return {
    nodes: pipeline.components.map((c) => ({
      id: c.id,
      role: c.role,
      kind: c.builtin ?? c.type ?? (c.command?.[0] ? c.command[0].split("/").pop()! : (c.image ?? "component")),
      replicas: c.replicas,
      queueCapacity: c.queue.capacity,
      env: maskSecrets(c.env),
      restartPolicy: c.restartPolicy,
    })),
    edges: pipeline.components.flatMap((c) =>
      c.inputs.map((from) => ({ from, to: c.id, capacity: byId.get(c.id)!.queue.capacity, policy: byId.get(c.id)!.queue.policy })),
    ),
  };
}

/** The graph of a stored YAML text, or null when it no longer compiles. */
export function graphOfYaml(yaml: string): PipelineGraph | null {
  const loaded = loadPipeline(yaml);
  return loaded.pipeline ? toPipelineGraph(loaded.pipeline) : null;
}

const SECRET_KEY = /PASSWORD|SECRET|TOKEN|CREDENTIAL|(^|_)KEY$/i;

/** Env for display: secret-looking values hidden, passwords inside URLs too. */
export function maskSecrets(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = SECRET_KEY.test(k) ? "••••••" : v.replace(/(\/\/[^:/@\s]+:)[^@\s]+@/, "$1••••••@");
  return out;
}
