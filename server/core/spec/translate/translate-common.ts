/**
 * What docker-compose and Kubernetes translation share: naming, image resolution, the engine
 * container (`flowctl run --attach`: it relays the events, components register with it) and the
 * FLOWCTL_* environment contract each container gets (the same one the process driver sets).
 */
import { FlowError } from "../../errors";
import type { CompiledComponent, CompiledPipeline } from "../compile";

/** Options of `flowctl translate`. */
export interface TranslateOptions {
  /** Prefix for every generated name (`<prefix>-<id>`). */
  prefix?: string;
  /** Registry prepended to images without a `/` (flowctl's `--registry`), e.g. `ghcr.io/acme`. */
  registry?: string;
  /** Image containing the flowctl CLI (ENTRYPOINT flowctl): runs the engine and the built-in components. */
  flowctlImage: string;
  /** `flowctlImage` is the default local tag (`npm run image`): the output says how to build or push it. */
  flowctlImageIsDefault?: boolean;
  /** Compose: the pipeline file as the compose file should mount it (relative to the compose file). @default ./pipeline.yaml */
  pipelineFile?: string;
  /** Kubernetes: the pipeline YAML as written, shipped to the engine in a ConfigMap. */
  pipelineYaml?: string;
  /**
   * Control-plane port inside the deployment.
   * @default 8080
   */
  controlPlanePort?: number;
}

/** Ports every component container listens on unless its env fixes them (its own network namespace). */
export const CONTAINER_PORTS = { PORT: 50051, HEALTH_PORT: 8088, METRICS_PORT: 9090 } as const;
/** Name of the generated engine service: `flowctl run --attach`, serving the control plane. */
export const ENGINE_NAME = "flowctl-engine";
/** Where the engine container finds the pipeline file. */
export const ENGINE_PIPELINE_PATH = "/etc/flowctl/pipeline.yaml";
/** Where the engine container keeps its run database. */
export const ENGINE_DATA_DIR = "/var/lib/flowctl";
/** Control-plane port in generated deployments (flowctl's default). */
export const DEFAULT_CONTROL_PLANE_PORT = 8080;

/** `<prefix>-<name>`, or `name` without a prefix. */
export function resourceName(name: string, opts: TranslateOptions): string {
  return opts.prefix ? `${opts.prefix}-${name}` : name;
}

/** Replica instance ids, as the engine names them: `id` for one, `id-0 … id-N-1` for replicas. */
export function instanceIds(c: CompiledComponent): string[] {
  return c.replicas > 1 ? Array.from({ length: c.replicas }, (_, i) => `${c.id}-${i}`) : [c.id];
}

function withRegistry(image: string, registry: string | undefined): string {
  if (!registry || image.includes("/")) return image;
  return `${registry.replace(/\/+$/, "")}/${image}`;
}

/** A registry reference (`name@v1`, `org/name@v1`) as an image, with flowctl's docker.io/withobsrvr default org. */
function imageOfRegistryRef(type: string): string {
  const [name, version] = type.split("@") as [string, string];
  return name.includes("/") ? `docker.io/${name}:${version}` : `docker.io/withobsrvr/${name}:${version}`;
}

/**
 * Image and command of a component's container; throws when it has no way to run in one. Built-ins
 * run from the flowctl image, whose entry point is `flowctl`: they get `args` (compose `command`,
 * Kubernetes `args`) rather than a command.
 */
export function containerOf(c: CompiledComponent, opts: TranslateOptions): { image: string; command?: string[]; args?: string[] } {
  const command = c.command ? [...c.command, ...c.args] : c.args.length > 0 ? c.args : undefined;
  if (c.image) return { image: withRegistry(c.image, opts.registry), ...(command ? { command } : {}) };
  if (c.builtin) return { image: opts.flowctlImage, args: ["component", c.builtin, ...c.args] };
  if (c.type && c.type.includes("@")) return { image: imageOfRegistryRef(c.type), ...(command ? { command } : {}) };
  throw new FlowError(
    "FAILED_PRECONDITION",
    `component "${c.id}" (${c.role}) has a command but no image; containers need spec.${c.role}s[].image (built-in types and name@version references get one automatically)`,
  );
}

/** Checks every component up front so one error lists them all. */
export function assertTranslatable(p: CompiledPipeline, opts: TranslateOptions): void {
  const problems: string[] = [];
  for (const c of p.components) {
    try {
      containerOf(c, opts);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (problems.length > 0) throw new FlowError("FAILED_PRECONDITION", problems.join("\n"));
}

/**
 * The environment of one instance: the component's env, then the engine contract (which the
 * component's env cannot override for FLOWCTL_*), exactly as the process driver builds it.
 */
export function instanceEnv(c: CompiledComponent, index: number, controlPlaneEndpoint: string, advertise?: string): Record<string, string> {
  const env: Record<string, string> = { ...c.env };
  env.PORT ??= String(CONTAINER_PORTS.PORT);
  env.HEALTH_PORT ??= String(c.healthPort ?? CONTAINER_PORTS.HEALTH_PORT);
  env.METRICS_PORT ??= String(CONTAINER_PORTS.METRICS_PORT);
  env.ENABLE_METRICS ??= "true";
  env.MAX_QUEUE_SIZE ??= String(c.queue.capacity);
  if (c.batch) {
    env.BATCH_SIZE ??= String(c.batch.size);
    env.BATCH_FLUSH_INTERVAL_MS ??= String(c.batch.flushIntervalMs);
  }
  if (c.replicas > 1) {
    env.PARTITION_ID = String(index);
    env.PARTITION_COUNT = String(c.replicas);
  }
  const id = instanceIds(c)[index] ?? c.id;
  Object.assign(env, {
    ENABLE_FLOWCTL: "true",
    FLOWCTL_ENDPOINT: controlPlaneEndpoint,
    FLOWCTL_COMPONENT_ID: id,
    FLOWCTL_SERVICE_ID: id,
    FLOWCTL_HEARTBEAT_INTERVAL: "10s",
    FLOWCTL_HEARTBEAT_INTERVAL_MS: "10000",
  });
  // The address the engine, in another container, dials (the SDK registers it as its endpoint).
  if (advertise) env.FLOWCTL_ADVERTISE_ADDRESS = advertise;
  return env;
}

/** Arguments of the engine container: attach mode on the mounted pipeline, the control plane on every interface. */
export function engineArgs(port: number): string[] {
  return ["run", "--attach", ENGINE_PIPELINE_PATH, "--control-plane-address", "0.0.0.0", "--control-plane-port", String(port), "--db-path", `${ENGINE_DATA_DIR}/flowctl.db`, "--no-show-status"];
}

/** Numeric port from a PORT-style env value (`8080`, `:8080`, `host:8080`). */
export function portOf(value: string | undefined, fallback: number): number {
  const m = /(\d{1,5})$/.exec(value ?? "");
  return m ? Number(m[1]) : fallback;
}
