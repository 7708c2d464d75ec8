/**
 * PipelineSpec → CompiledPipeline: defaults applied, roles attached, built-ins resolved, units
 * normalised. Only call on a spec that validated without errors; downstream never re-parses.
 */
import { parseMemory } from "../units";
import { findBuiltin } from "./builtins";
import {
  DEFAULT_QUEUE_CAPACITY,
  DEFAULT_QUEUE_MAX_BYTES,
  type ComponentRole,
  type ComponentSpec,
  type Driver,
  type PipelineSpec,
  type QueuePolicy,
  type RestartPolicy,
} from "./pipeline-spec.schema";

/** A component after compilation: defaults applied, role attached, built-in resolved. */
export interface CompiledComponent {
  id: string;
  role: ComponentRole;
  type?: string;
  /** Set when `type` names a built-in and there is no command/image. */
  builtin?: string;
  command?: string[];
  args: string[];
  image?: string;
  inputs: string[];
  env: Record<string, string>;
  config: Record<string, unknown>;
  inputEventTypes: string[];
  outputEventTypes: string[];
  /** ≥ 1. */
  replicas: number;
  restartPolicy: RestartPolicy;
  /** `maxBytes`: serialized bytes per input edge (`queue.max_bytes`, default 64 MiB). */
  queue: { capacity: number; maxBytes: number; policy: QueuePolicy };
  batch?: { size: number; flushIntervalMs: number };
  /** Sinks: write retry policy (`retry:`); absent = one attempt, then the dead-letter file. */
  retry?: { maxAttempts: number; backoffMs: number; maxBackoffMs: number };
  partitionKey?: string;
  healthCheck?: string;
  healthPort?: number;
  resources?: ComponentSpec["resources"];
  ports: NonNullable<ComponentSpec["ports"]>;
  volumes: NonNullable<ComponentSpec["volumes"]>;
  secrets: NonNullable<ComponentSpec["secrets"]>;
}

/** The validated, defaulted pipeline the engine runs; nothing downstream re-parses YAML. */
export interface CompiledPipeline {
  name: string;
  description?: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  driver: Driver;
  /** Sources, then processors, then sinks, each in YAML order. */
  components: CompiledComponent[];
  config: Record<string, unknown>;
}

function compileComponent(c: ComponentSpec, role: ComponentRole): CompiledComponent {
  const builtin = !c.command && !c.image ? findBuiltin(c.type)?.name : undefined;
  const compiled: CompiledComponent = {
    id: c.id,
    role,
    args: c.args ?? [],
    inputs: c.inputs ?? [],
    env: { ...configToEnv(c.config), ...(c.env ?? {}) },
    config: c.config ?? {},
    inputEventTypes: c.input_event_types ?? [],
    outputEventTypes: c.output_event_types ?? [],
    replicas: Math.max(1, c.replicas ?? 1),
    restartPolicy: c.restart_policy ?? "on-failure",
    queue: {
      capacity: c.queue?.capacity ?? DEFAULT_QUEUE_CAPACITY,
      maxBytes: (c.queue?.max_bytes !== undefined ? parseMemory(c.queue.max_bytes) : undefined) ?? DEFAULT_QUEUE_MAX_BYTES,
      policy: c.queue?.policy ?? "block",
    },
    ports: c.ports ?? [],
    volumes: c.volumes ?? [],
    secrets: c.secrets ?? [],
  };
  if (c.type !== undefined) compiled.type = c.type;
  if (builtin !== undefined) compiled.builtin = builtin;
  if (c.command !== undefined) compiled.command = c.command;
  if (c.image !== undefined) compiled.image = c.image;
  if (c.batch) compiled.batch = { size: c.batch.size, flushIntervalMs: c.batch.flush_interval_ms };
  if (c.retry) compiled.retry = { maxAttempts: c.retry.max_attempts, backoffMs: c.retry.backoff_ms, maxBackoffMs: c.retry.max_backoff_ms };
  if (c.partition_key !== undefined) compiled.partitionKey = c.partition_key;
  if (c.health_check !== undefined) compiled.healthCheck = c.health_check;
  if (c.health_port !== undefined) compiled.healthPort = c.health_port;
  if (c.resources !== undefined) compiled.resources = c.resources;
  return compiled;
}

/** The env variable a `config` key becomes (flowctl's rule: UPPERCASE, other characters → `_`). */
export function configKeyToEnvName(key: string): string {
  return key.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

/** flowctl's rule: each `config` key becomes an UPPERCASE env var; explicit `env` wins. */
export function configToEnv(config: Record<string, unknown> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(config ?? {})) {
    if (v === undefined || v === null) continue;
    env[configKeyToEnvName(k)] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return env;
}

/** Compiles a parsed spec; call only when validation found no errors (see `loadPipeline`). */
export function compilePipeline(spec: PipelineSpec): CompiledPipeline {
  const s = spec.spec;
  const compiled: CompiledPipeline = {
    name: spec.metadata.name,
    labels: spec.metadata.labels ?? {},
    annotations: spec.metadata.annotations ?? {},
    driver: s.driver ?? "process",
    components: [
      ...(s.sources ?? []).map((c) => compileComponent(c, "source")),
      ...(s.processors ?? []).map((c) => compileComponent(c, "processor")),
      ...(s.sinks ?? []).map((c) => compileComponent(c, "sink")),
    ],
    config: s.config ?? {},
  };
  const description = spec.metadata.description ?? s.description;
  if (description !== undefined) compiled.description = description;
  if (spec.metadata.namespace !== undefined) compiled.namespace = spec.metadata.namespace;
  return compiled;
}
