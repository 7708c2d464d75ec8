/**
 * zod schemas for every control-plane request, applied after proto decoding. Proto3 cannot say
 * "required" or reject an unknown enum number, so this is where bad input becomes INVALID_ARGUMENT
 * naming the field (in the proto's snake_case spelling, as clients see it).
 */
import { z } from "zod";
import { InvalidArgumentError } from "../core/errors";

const MAX_ID = 512;
const MAX_LIST = 1024;

const id = (what = "") => z.string().max(MAX_ID, `must be at most ${MAX_ID} characters${what}`);
const requiredId = z.string().trim().min(1, "is required").max(MAX_ID, `must be at most ${MAX_ID} characters`);
const stringList = z.array(z.string().max(MAX_ID)).max(MAX_LIST, `at most ${MAX_LIST} entries`);
const stringMap = z.record(z.string(), z.string().max(64 * 1024)).refine((m) => Object.keys(m).length <= MAX_LIST, `at most ${MAX_LIST} entries`);
const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.custom<T[number]>((v) => typeof v === "string" && (values as readonly string[]).includes(v), {
    error: (iss) => `unknown value ${JSON.stringify(iss.input)} (expected one of ${values.join(", ")})`,
  });

export const COMPONENT_TYPES = ["COMPONENT_TYPE_UNSPECIFIED", "COMPONENT_TYPE_SOURCE", "COMPONENT_TYPE_PROCESSOR", "COMPONENT_TYPE_CONSUMER"] as const;
export const HEALTH_STATUS_VALUES = [
  "HEALTH_STATUS_UNKNOWN",
  "HEALTH_STATUS_STARTING",
  "HEALTH_STATUS_HEALTHY",
  "HEALTH_STATUS_DEGRADED",
  "HEALTH_STATUS_UNHEALTHY",
  "HEALTH_STATUS_STOPPING",
] as const;
export const SERVICE_TYPES = ["SERVICE_TYPE_UNSPECIFIED", "SERVICE_TYPE_SOURCE", "SERVICE_TYPE_PROCESSOR", "SERVICE_TYPE_SINK", "SERVICE_TYPE_PIPELINE"] as const;
export const RUN_STATUS_VALUES = ["RUN_STATUS_UNKNOWN", "RUN_STATUS_STARTING", "RUN_STATUS_RUNNING", "RUN_STATUS_COMPLETED", "RUN_STATUS_FAILED", "RUN_STATUS_STOPPED"] as const;

/** `host:port`, `[v6]:port` or `:port`; empty is allowed (a component without a gRPC server). */
const endpoint = z
  .string()
  .max(MAX_ID)
  .refine((s) => s === "" || /^(\[[0-9a-fA-F:.]+\]|[^\s:/]*):(\d{1,5})$/.test(s), "must be host:port (or :port)")
  .refine((s) => s === "" || Number(s.slice(s.lastIndexOf(":") + 1)) <= 65535, "port must be at most 65535");

const componentInfo = z.object({
  id: id(),
  name: id(),
  description: z.string().max(64 * 1024),
  version: id(),
  type: enumOf(COMPONENT_TYPES),
  inputEventTypes: stringList,
  outputEventTypes: stringList,
  endpoint,
  metadata: stringMap,
});

// ---------- flowctl.v1.ControlPlaneService ----------

export const registerRequestSchema = z
  .object({ component: componentInfo.nullable().refine((c) => c !== null, "is required"), componentId: id() })
  .superRefine((r, ctx) => {
    if (r.component && !r.component.id.trim() && !r.componentId.trim()) ctx.addIssue({ code: "custom", path: ["component", "id"], message: "is required (or component_id)" });
  });
export const unregisterRequestSchema = z.object({ serviceId: requiredId });
export const discoveryRequestSchema = z.object({ type: enumOf(COMPONENT_TYPES), eventTypes: stringList, metadataFilters: stringMap });
export const heartbeatRequestSchema = z.object({ serviceId: requiredId, status: enumOf(HEALTH_STATUS_VALUES), metrics: stringMap });
export const componentStatusRequestSchema = z.object({ serviceId: requiredId });
export const listComponentsRequestSchema = z.object({ typeFilter: enumOf(COMPONENT_TYPES), includeUnhealthy: z.boolean() });

// ---------- flowctl.ControlPlane (legacy) ----------

export const serviceInfoSchema = z
  .object({
    serviceId: id(),
    serviceType: enumOf(SERVICE_TYPES),
    inputEventTypes: stringList,
    outputEventTypes: stringList,
    healthEndpoint: z.string().max(MAX_ID),
    maxInflight: z.number().int(),
    metadata: stringMap,
    componentId: id(),
  })
  .superRefine((r, ctx) => {
    if (!r.serviceId.trim() && !r.componentId.trim()) ctx.addIssue({ code: "custom", path: ["serviceId"], message: "is required (or component_id)" });
  });
export const serviceHeartbeatSchema = z.object({
  serviceId: requiredId,
  metrics: z.record(z.string(), z.number()).refine((m) => Object.keys(m).length <= MAX_LIST, `at most ${MAX_LIST} entries`),
});

const componentMetrics = z.object({
  eventsIn: z.number().nonnegative(),
  eventsOut: z.number().nonnegative(),
  bytesIn: z.number().nonnegative(),
  bytesOut: z.number().nonnegative(),
  processingTimeMs: z.number().nonnegative(),
});
const runMetrics = z.object({
  eventsProcessed: z.number().nonnegative(),
  eventsPerSecond: z.number().nonnegative(),
  bytesProcessed: z.number().nonnegative(),
  componentMetrics: z.record(z.string(), componentMetrics),
});

export const createPipelineRunSchema = z.object({
  runId: id(),
  pipelineName: requiredId,
  configYaml: z.string().max(16 * 1024 * 1024),
  componentIds: stringList,
});
export const updatePipelineRunSchema = z.object({ runId: requiredId, status: enumOf(RUN_STATUS_VALUES), metrics: runMetrics.nullable(), error: z.string().max(64 * 1024) });
export const runIdRequestSchema = z.object({ runId: requiredId });
export const listPipelineRunsSchema = z.object({ pipelineName: id(), status: enumOf(RUN_STATUS_VALUES), limit: z.number().int() });

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());

/** Parses a decoded request; the first problem becomes InvalidArgumentError naming the field. */
export function parseRequest<T extends z.ZodType>(schema: T, request: unknown): z.output<T> {
  const r = schema.safeParse(request);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : snake(String(p)))).join(".").replace(/\.\[/g, "[") || "request";
  throw new InvalidArgumentError(field, issue.message);
}
