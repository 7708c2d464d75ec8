/** The shared control plane's registry as the console shows it: every component, any run or none. */
import type { ComponentRegistry } from "../control-plane/registry";
import { runIdOf, type RegisteredComponent } from "../core/registry";
import type { RegisteredComponentItem } from "./api-types";
import type { RunService } from "./run.service";

export class ComponentService {
  constructor(
    private readonly registry: ComponentRegistry,
    private readonly runs: RunService,
  ) {}

  /** Every registered component, unhealthy ones included, by id. */
  list(): RegisteredComponentItem[] {
    return this.registry.list({ includeUnhealthy: true }).map((c) => this.toItem(c));
  }

  private toItem(c: RegisteredComponent): RegisteredComponentItem {
    const runId = runIdOf(c.info) ?? null;
    return {
      serviceId: c.serviceId,
      componentId: c.info.id,
      name: c.info.name,
      type: c.info.type,
      status: c.status,
      endpoint: c.info.endpoint,
      registeredAt: c.registeredAt.toISOString(),
      lastHeartbeat: c.lastHeartbeat.toISOString(),
      inputEventTypes: c.info.inputEventTypes,
      outputEventTypes: c.info.outputEventTypes,
      metadata: c.info.metadata,
      metrics: c.metrics,
      runId,
      pipelineName: runId ? (this.runs.pipelineOf(runId) ?? null) : null,
    };
  }
}
