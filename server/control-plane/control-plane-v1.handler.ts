/** flowctl.v1.ControlPlaneService: thin handlers (parse → registry → map). */
import type * as grpc from "@grpc/grpc-js";
import { NotFoundError } from "../core/errors";
import type { Logger } from "../core/logger";
import { normalizeEndpoint } from "../core/registry";
import { fromWireComponentType, fromWireHealth, toComponentStatusResponse, toWireComponentInfo } from "./conversions";
import type { ComponentRegistry } from "./registry";
import {
  componentStatusRequestSchema,
  discoveryRequestSchema,
  heartbeatRequestSchema,
  listComponentsRequestSchema,
  parseRequest,
  registerRequestSchema,
  unregisterRequestSchema,
} from "./request.schemas";
import { unary } from "./grpc-errors";

/** Dependencies of {@link createControlPlaneV1Handlers}. */
export interface ControlPlaneV1Deps {
  registry: ComponentRegistry;
  logger: Logger;
  /** host:port clients should use to reach this control plane (RegisterResponse.connection_info). */
  endpoint: () => string;
}

/** Handlers for `flowctl.v1.ControlPlaneService`. */
export function createControlPlaneV1Handlers({ registry, logger, endpoint }: ControlPlaneV1Deps): grpc.UntypedServiceImplementation {
  return {
    RegisterComponent: unary("RegisterComponent", logger, (req) => {
      const r = parseRequest(registerRequestSchema, req);
      const c = r.component!;
      const type = fromWireComponentType(c.type);
      const registered = registry.register({ ...c, type, endpoint: c.endpoint ? normalizeEndpoint(c.endpoint) : "" }, r.componentId.trim() || undefined);
      logger.info("component registered", { serviceId: registered.serviceId, type, endpoint: registered.info.endpoint });
      return {
        serviceId: registered.serviceId,
        // Topics are vestigial upstream; the meaningful equivalent is what the component emits.
        assignedTopics: type === "SOURCE" || type === "PROCESSOR" ? registered.info.outputEventTypes : [],
        connectionInfo: { control_plane_endpoint: endpoint() },
      };
    }),

    UnregisterComponent: unary("UnregisterComponent", logger, (req) => {
      const { serviceId } = parseRequest(unregisterRequestSchema, req);
      registry.unregister(serviceId);
      logger.info("component unregistered", { serviceId });
      return {};
    }),

    DiscoverComponents: unary("DiscoverComponents", logger, (req) => {
      const r = parseRequest(discoveryRequestSchema, req);
      const components = registry.discover({ type: fromWireComponentType(r.type), eventTypes: r.eventTypes, metadata: r.metadataFilters });
      return { components: components.map(toWireComponentInfo) };
    }),

    Heartbeat: unary("Heartbeat", logger, (req) => {
      const r = parseRequest(heartbeatRequestSchema, req);
      registry.heartbeat(r.serviceId, fromWireHealth(r.status), r.metrics);
      return {};
    }),

    GetComponentStatus: unary("GetComponentStatus", logger, (req) => {
      const { serviceId } = parseRequest(componentStatusRequestSchema, req);
      const c = registry.get(serviceId) ?? registry.findByComponentId(serviceId);
      if (!c) throw new NotFoundError("component", serviceId);
      return toComponentStatusResponse(c);
    }),

    ListComponents: unary("ListComponents", logger, (req) => {
      const r = parseRequest(listComponentsRequestSchema, req);
      const list = registry.list({ type: fromWireComponentType(r.typeFilter), includeUnhealthy: r.includeUnhealthy });
      return { components: list.map(toComponentStatusResponse) };
    }),
  };
}
