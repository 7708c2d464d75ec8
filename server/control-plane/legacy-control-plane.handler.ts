/**
 * flowctl.ControlPlane (legacy, used by the original flowctl CLI): registration mapped onto the
 * same registry as flowctl.v1, and the run RPCs over {@link RunTrackingService}. Fixes upstream's
 * gaps: GetServiceStatus is implemented, ListServices reports real health, Heartbeat keeps metrics.
 */
import type * as grpc from "@grpc/grpc-js";
import { NotFoundError } from "../core/errors";
import type { Logger } from "../core/logger";
import { normalizeEndpoint, type ComponentInfo } from "../core/registry";
import {
  doublesToStrings,
  fromServiceType,
  fromWireRunMetrics,
  fromWireRunStatus,
  LEGACY_SERVICE_TYPE_KEY,
  toServiceStatus,
  toWirePipelineRun,
} from "./conversions";
import { unary } from "./grpc-errors";
import type { ComponentRegistry } from "./registry";
import {
  createPipelineRunSchema,
  listPipelineRunsSchema,
  parseRequest,
  runIdRequestSchema,
  serviceHeartbeatSchema,
  serviceInfoSchema,
  updatePipelineRunSchema,
} from "./request.schemas";
import { effectiveRunLimit, type RunTrackingService } from "./run-tracking.service";

/** Dependencies of {@link createLegacyControlPlaneHandlers}. */
export interface LegacyControlPlaneDeps {
  registry: ComponentRegistry;
  runs: RunTrackingService;
  logger: Logger;
  endpoint: () => string;
}

/** flowctl's metadata conventions for name/version/description (`processor_name`, `name`, …). */
function fromMetadata(metadata: Record<string, string>, key: "name" | "version" | "description"): string {
  for (const prefix of ["processor_", "source_", "sink_", ""]) {
    const v = metadata[prefix + key];
    if (v) return v;
  }
  return "";
}

/** Handlers for `flowctl.ControlPlane`. */
export function createLegacyControlPlaneHandlers({ registry, runs, logger, endpoint }: LegacyControlPlaneDeps): grpc.UntypedServiceImplementation {
  return {
    Register: unary("Register", logger, (req) => {
      const r = parseRequest(serviceInfoSchema, req);
      // ComponentInfo.id (what runs match on) prefers component_id; heartbeats arrive keyed by
      // service_id, so that stays the registry key when given.
      const id = r.componentId.trim() || r.serviceId.trim();
      const serviceId = r.serviceId.trim() || id;
      const metadata = { ...r.metadata, ...(r.serviceType === "SERVICE_TYPE_PIPELINE" ? { [LEGACY_SERVICE_TYPE_KEY]: "PIPELINE" } : {}) };
      const info: ComponentInfo = {
        id,
        name: fromMetadata(r.metadata, "name") || id,
        description: fromMetadata(r.metadata, "description"),
        version: fromMetadata(r.metadata, "version"),
        type: fromServiceType(r.serviceType),
        inputEventTypes: r.inputEventTypes,
        outputEventTypes: r.outputEventTypes,
        endpoint: r.healthEndpoint ? normalizeEndpoint(r.healthEndpoint) : "",
        metadata,
      };
      const registered = registry.register(info, serviceId);
      logger.info("service registered (legacy)", { serviceId: registered.serviceId });
      return { serviceId: registered.serviceId, topicNames: info.outputEventTypes, connectionInfo: { control_plane_endpoint: endpoint() } };
    }),

    Heartbeat: unary("Heartbeat", logger, (req) => {
      const r = parseRequest(serviceHeartbeatSchema, req);
      registry.heartbeat(r.serviceId, "UNKNOWN", doublesToStrings(r.metrics));
      return {};
    }),

    GetServiceStatus: unary("GetServiceStatus", logger, (req) => {
      const r = parseRequest(serviceInfoSchema, req);
      const key = r.serviceId.trim() || r.componentId.trim();
      const c = registry.get(key) ?? registry.findByComponentId(key);
      if (!c) throw new NotFoundError("service", key);
      return toServiceStatus(c);
    }),

    ListServices: unary("ListServices", logger, () => ({ services: registry.list({ includeUnhealthy: true }).map(toServiceStatus) })),

    CreatePipelineRun: unary("CreatePipelineRun", logger, async (req) => {
      const r = parseRequest(createPipelineRunSchema, req);
      const run = await runs.create({ runId: r.runId.trim() || undefined, pipelineName: r.pipelineName, configYaml: r.configYaml, componentIds: r.componentIds });
      return toWirePipelineRun(run);
    }),

    UpdatePipelineRun: unary("UpdatePipelineRun", logger, async (req) => {
      const r = parseRequest(updatePipelineRunSchema, req);
      const metrics = r.metrics;
      const run = await runs.update(r.runId, {
        status: fromWireRunStatus(r.status),
        metrics: metrics ? (previous) => fromWireRunMetrics(metrics, previous) : undefined,
        error: r.error || undefined,
      });
      return toWirePipelineRun(run);
    }),

    GetPipelineRun: unary("GetPipelineRun", logger, async (req) => {
      const { runId } = parseRequest(runIdRequestSchema, req);
      return toWirePipelineRun(await runs.get(runId));
    }),

    ListPipelineRuns: unary("ListPipelineRuns", logger, async (req) => {
      const r = parseRequest(listPipelineRunsSchema, req);
      const list = await runs.list({ pipelineName: r.pipelineName || undefined, status: fromWireRunStatus(r.status), limit: effectiveRunLimit(r.limit) });
      return { runs: list.map(toWirePipelineRun) };
    }),

    StopPipelineRun: unary("StopPipelineRun", logger, async (req) => {
      const { runId } = parseRequest(runIdRequestSchema, req);
      const run = await runs.stop(runId);
      logger.info("pipeline run stopped", { runId, status: run.status });
      return toWirePipelineRun(run);
    }),
  };
}
