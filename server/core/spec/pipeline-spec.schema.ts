/**
 * The pipeline spec (`apiVersion: flowctl/v1`, `kind: Pipeline`): the single source of truth for
 * the CLI, the engine, validation and the console's forms. Field meta (title, description, unit,
 * default) flows into the generated JSON Schema (`flowctl schema`).
 *
 * Objects are not strict here on purpose: unknown keys are reported as warnings with a
 * "did you mean" by validation (users mistype), not rejected by the parser.
 */
import { z } from "zod";
import { CPU_QUANTITY_RE, MEMORY_QUANTITY_RE } from "../units";

/** The only `apiVersion` accepted. */
export const API_VERSION = "flowctl/v1";
/** The only `kind` accepted. */
export const KIND = "Pipeline";

/** DNS-label: ids become process names, Kubernetes names and metric labels. */
export const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Maximum id length (a DNS label). */
export const DNS_LABEL_MAX = 63;

/** Roles of data-flow components, in start order. */
export const COMPONENT_ROLES = ["source", "processor", "sink"] as const;
/** A data-flow role. */
export type ComponentRole = (typeof COMPONENT_ROLES)[number];

/** `restart_policy` values (flowctl's). */
export const RESTART_POLICIES = ["no", "on-failure", "always", "unless-stopped"] as const;
/** A restart policy. */
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

/** `queue.policy` values: overflow behaviour of an input edge. */
export const QUEUE_POLICIES = ["block", "drop_oldest"] as const;
/** An overflow policy. */
export type QueuePolicy = (typeof QUEUE_POLICIES)[number];

/** `spec.driver` values flowctl's validate accepted. */
export const DRIVERS = ["process", "container", "docker", "kubernetes", "k8s", "nomad", "local"] as const;
/** A driver name. */
export type Driver = (typeof DRIVERS)[number];

/** Default `queue.capacity` (events per input edge). */
export const DEFAULT_QUEUE_CAPACITY = 1000;

/**
 * Default `queue.max_bytes` per input edge: one event may be up to 64 MiB, so a count bound alone
 * would let a full queue of 1000 hold 64 GiB; 64 MiB keeps any queue within a sane budget.
 */
export const DEFAULT_QUEUE_MAX_BYTES = 64 * 1024 * 1024;

const stringMap = z.record(z.string(), z.string());

/** YAML numbers and booleans in `env` are stringified, never rejected. */
const envValue = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .transform((v) => (v === null ? "" : String(v)));

const portSchema = z
  .object({
    name: z.string().optional().meta({ title: "Name", description: "Port name (Kubernetes Service port name)." }),
    containerPort: z.number().int().min(1).max(65535).meta({ title: "Container port", description: "Port inside the container (1–65535)." }),
    hostPort: z.number().int().min(1).max(65535).optional().meta({ title: "Host port", description: "Defaults to containerPort." }),
    protocol: z.enum(["TCP", "UDP", "SCTP"]).optional().meta({ title: "Protocol", description: "Transport protocol.", default: "TCP" }),
  })
  .meta({ title: "Port" });

const volumeSchema = z
  .object({
    name: z.string().optional().meta({ title: "Name", description: "Volume name." }),
    mountPath: z.string().optional().meta({ title: "Mount path", description: "Mount path inside the container (used when container_path is absent)." }),
    host_path: z.string().optional().meta({ title: "Host path", description: "Path on the host ($HOME, ~ and relative paths expanded)." }),
    container_path: z.string().optional().meta({ title: "Container path", description: "Path inside the container." }),
    readonly: z.boolean().optional().meta({ title: "Read-only", description: "Mount read-only.", default: false }),
  })
  .meta({ title: "Volume" });

const secretSchema = z
  .object({
    name: z.string().meta({ title: "Name", description: "Secret name." }),
    host_path: z.string().optional().meta({ title: "Host path", description: "File or directory on the host holding the secret." }),
    container_path: z.string().optional().meta({ title: "Container path", description: "Where the secret is mounted (default /secrets/<name>)." }),
    env: z.string().optional().meta({ title: "Env variable", description: "Environment variable receiving the secret (type: env)." }),
    mode: z.string().optional().meta({ title: "File mode", description: "Octal file mode, e.g. 0400." }),
    type: z.enum(["file", "dir", "env"]).optional().meta({ title: "Type", description: "How the secret is exposed.", default: "file" }),
    required: z.boolean().optional().meta({ title: "Required", description: "Fail to start when the secret is missing." }),
    labels: stringMap.optional().meta({ title: "Labels" }),
  })
  .meta({ title: "Secret" });

const resourceQuantities = z
  .object({
    cpu: z
      .union([z.number().positive(), z.string().regex(CPU_QUANTITY_RE)])
      .transform(String)
      .optional()
      .meta({ title: "CPU", description: "Cores or millicores, e.g. 100m, 0.5 or 2.", unit: "cores", examples: ["100m", "0.5", "2"] }),
    memory: z
      .union([z.number().int().positive(), z.string().regex(MEMORY_QUANTITY_RE)])
      .transform(String)
      .optional()
      .meta({ title: "Memory", description: "Bytes with an optional unit, e.g. 256Mi, 1Gi or 512M.", unit: "bytes", examples: ["256Mi", "1Gi"] }),
  })
  .meta({ title: "Resource quantities" });

/** `queue`: the bounded queue on each edge into a component. */
export const queueSchema = z
  .object({
    capacity: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_QUEUE_CAPACITY)
      .meta({ title: "Capacity", description: "Events buffered on each input edge of this component.", unit: "events" }),
    max_bytes: z
      .union([z.number().int().positive(), z.string().regex(MEMORY_QUANTITY_RE)])
      .transform(String)
      .optional()
      .meta({
        title: "Max bytes",
        unit: "bytes",
        description: "Serialized event bytes buffered on each input edge, whichever bound (this or capacity) is reached first; default 64Mi. One event larger than it still passes alone.",
        examples: ["64Mi", "256Mi"],
      }),
    policy: z
      .enum(QUEUE_POLICIES)
      .default("block")
      .meta({ title: "Overflow policy", description: "block: backpressure to the producer (nothing dropped). drop_oldest: discard the oldest queued event, counted." }),
  })
  .meta({ title: "Input queue", description: "Bounded queue on each edge into this component." });

/** `batch`: size/time batching of writes. */
export const batchSchema = z
  .object({
    size: z.number().int().min(1).max(100_000).default(100).meta({ title: "Batch size", unit: "events", description: "Flush when this many events are buffered." }),
    flush_interval_ms: z
      .number()
      .int()
      .min(0)
      .default(100)
      .meta({ title: "Flush interval", unit: "ms", description: "Flush a partial batch after this long." }),
  })
  .meta({ title: "Batching", description: "Write events in batches (size or time, whichever first)." });

/** `retry`: sinks retry a failed write with exponential backoff, then dead-letter its events. */
export const retrySchema = z
  .object({
    max_attempts: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(3)
      .meta({ title: "Max attempts", unit: "writes", description: "Writes of a batch in all (the first included) before its events go to the dead-letter file." }),
    backoff_ms: z.number().int().min(0).max(600_000).default(100).meta({ title: "Backoff", unit: "ms", description: "Wait before the second attempt; doubles after each failure." }),
    max_backoff_ms: z.number().int().min(0).max(3_600_000).default(10_000).meta({ title: "Max backoff", unit: "ms", description: "Cap of the wait between attempts." }),
  })
  .meta({ title: "Retry", description: "Sinks: retry a failed write with exponential backoff; when attempts run out, its events go to the dead-letter file (JSON lines with the error)." });

/** A source, processor, sink or `spec.pipelines` entry. */
export const componentSchema = z
  .object({
    id: z.string().meta({ title: "Id", description: "Unique DNS-label id (lowercase letters, digits, '-'); also FLOWCTL_COMPONENT_ID." }),
    type: z
      .string()
      .optional()
      .meta({ title: "Type", description: "A built-in component (e.g. load-generator) or a registry reference name@version." }),
    command: z.array(z.string()).optional().meta({ title: "Command", description: "argv of the component process (no shell)." }),
    args: z.array(z.string()).optional().meta({ title: "Arguments", description: "Appended after command." }),
    image: z.string().optional().meta({ title: "Image", description: "OCI image (container and Kubernetes drivers)." }),
    inputs: z.array(z.string()).optional().meta({ title: "Inputs", description: "Ids of the components whose output feeds this one." }),
    env: z
      .record(z.string(), envValue)
      .optional()
      .meta({ title: "Environment", description: "Environment variables of the process; numbers and booleans are stringified. Explicit env wins over config." }),
    config: z.record(z.string(), z.unknown()).optional().meta({ title: "Config", description: "Component configuration; keys become UPPERCASE env vars." }),
    input_event_types: z.array(z.string()).optional().meta({ title: "Input event types", description: "Event types this component consumes (sinks: only these are delivered)." }),
    output_event_types: z.array(z.string()).optional().meta({ title: "Output event types", description: "Event types this component produces (informational)." }),
    ports: z.array(portSchema).optional().meta({ title: "Ports", description: "Container ports (container, docker-compose and Kubernetes; ignored by the process driver)." }),
    volumes: z.array(volumeSchema).optional().meta({ title: "Volumes", description: "Bind mounts (container drivers and translate)." }),
    secrets: z.array(secretSchema).optional().meta({ title: "Secrets", description: "Secrets mounted into the container." }),
    health_check: z.string().optional().meta({ title: "Health check path", description: "HTTP path probed on health_port, e.g. /health." }),
    health_port: z.number().int().min(1).max(65535).optional().meta({ title: "Health port", description: "Port of the HTTP health endpoint (HEALTH_PORT); a free port is assigned when unset." }),
    replicas: z.number().int().min(0).optional().meta({ title: "Replicas", description: "Instances of this component (0 and 1 both mean one).", default: 1 }),
    resources: z
      .object({ requests: resourceQuantities.optional(), limits: resourceQuantities.optional() })
      .optional()
      .meta({ title: "Resources", description: "CPU/memory requests and limits (Kubernetes translate)." }),
    restart_policy: z
      .enum(RESTART_POLICIES)
      .optional()
      .meta({ title: "Restart policy", description: "When the supervisor restarts the process after it exits.", default: "on-failure" }),
    queue: queueSchema.optional(),
    batch: batchSchema.optional(),
    retry: retrySchema.optional(),
    partition_key: z
      .string()
      .optional()
      .meta({ title: "Partition key", description: "With replicas: route events by hash of this key (event field `id`, `type` or `metadata.<name>`) instead of round-robin." }),
    depends_on: z.array(z.string()).optional().meta({ title: "Depends on", description: "Start ordering for spec.pipelines entries." }),
  })
  .meta({ title: "Component", description: "A source, processor or sink: one process (or replicas of it)." });

/** `metadata`: name and labels of the pipeline. */
export const metadataSchema = z
  .object({
    name: z.string().meta({ title: "Name", description: "Pipeline name; identifies its runs." }),
    description: z.string().optional().meta({ title: "Description" }),
    namespace: z.string().optional().meta({ title: "Namespace", description: "Kubernetes namespace used by `flowctl translate -o kubernetes`." }),
    labels: stringMap.optional().meta({ title: "Labels", description: "Copied to compose services and Kubernetes objects." }),
    annotations: stringMap.optional().meta({ title: "Annotations" }),
  })
  .meta({ title: "Metadata" });

/** The whole pipeline file: the single source of truth for every consumer. */
export const pipelineSpecSchema = z
  .object({
    apiVersion: z.literal(API_VERSION).meta({ title: "API version", description: "Always flowctl/v1." }),
    kind: z.literal(KIND).meta({ title: "Kind", description: "Always Pipeline." }),
    metadata: metadataSchema,
    spec: z
      .object({
        driver: z.enum(DRIVERS).optional().meta({ title: "Driver", description: "Where components run.", default: "process" }),
        description: z.string().optional().meta({ title: "Description" }),
        sources: z.array(componentSchema).optional().meta({ title: "Sources", description: "Components that produce events; no inputs." }),
        processors: z.array(componentSchema).optional().meta({ title: "Processors", description: "Components that transform events; at least one input." }),
        sinks: z.array(componentSchema).optional().meta({ title: "Sinks", description: "Components that consume events; at least one input, never an input themselves." }),
        pipelines: z
          .array(componentSchema)
          .optional()
          .meta({ title: "Pipelines", description: "Black-box pipeline containers (flowctl compatibility; not run by this engine)." }),
        config: z.record(z.string(), z.unknown()).optional().meta({ title: "Config", description: "Pipeline-wide settings (informational)." }),
      })
      .meta({ title: "Spec" }),
  })
  .meta({ title: "flowctl Pipeline", description: "A DAG of sources, processors and sinks wired by `inputs`." });

/** A pipeline as written (after zod parsing: env stringified, queue/batch defaults applied). */
export type PipelineSpec = z.output<typeof pipelineSpecSchema>;
/** A component as parsed (env stringified). */
export type ComponentSpec = z.output<typeof componentSchema>;
/** A pipeline as written, before parsing (what forms edit). */
export type PipelineSpecInput = z.input<typeof pipelineSpecSchema>;
