/**
 * The in-memory component registry behind both control-plane services. Persistence is a listener
 * (the store snapshots changes); the engine waits on it for registrations.
 */
import { InvalidArgumentError, NotFoundError } from "../core/errors";
import {
  isExpired,
  statusAfterHeartbeat,
  type ComponentInfo,
  type ComponentKind,
  type HealthStatus,
  type RegisteredComponent,
} from "../core/registry";

export type RegistryChange =
  | { type: "registered"; component: RegisteredComponent }
  | { type: "heartbeat"; component: RegisteredComponent }
  | { type: "status"; component: RegisteredComponent; previous: HealthStatus }
  | { type: "unregistered"; component: RegisteredComponent };

export interface RegistryOptions {
  /** Heartbeat TTL before a component turns UNHEALTHY. @default 30_000 */
  heartbeatTtlMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

export interface ListFilter {
  type?: ComponentKind;
  /** When false only HEALTHY, STARTING and DEGRADED components are returned. @default false */
  includeUnhealthy?: boolean;
}

export interface DiscoverFilter {
  type?: ComponentKind;
  /** OR-matched against input ∪ output event types. */
  eventTypes?: string[];
  /** AND-matched against metadata. */
  metadata?: Record<string, string>;
}

export class ComponentRegistry {
  private readonly byServiceId = new Map<string, RegisteredComponent>();
  private readonly listeners = new Set<(c: RegistryChange) => void>();
  readonly heartbeatTtlMs: number;
  private readonly now: () => Date;

  constructor(opts: RegistryOptions = {}) {
    this.heartbeatTtlMs = opts.heartbeatTtlMs ?? 30_000;
    this.now = opts.now ?? (() => new Date());
  }

  /** Registers (or re-registers, overwriting) a component. Returns its service id. */
  register(info: ComponentInfo, componentId?: string): RegisteredComponent {
    if (!info.id && !componentId) throw new InvalidArgumentError("component.id", "is required");
    const serviceId = componentId || info.id;
    const now = this.now();
    const component: RegisteredComponent = {
      serviceId,
      info: { ...info, id: info.id || serviceId },
      status: "HEALTHY",
      registeredAt: now,
      lastHeartbeat: now,
      metrics: {},
    };
    this.byServiceId.set(serviceId, component);
    this.emit({ type: "registered", component });
    return component;
  }

  /** Restores a persisted snapshot without emitting `registered` (server restart). */
  restore(components: RegisteredComponent[]): void {
    for (const c of components) this.byServiceId.set(c.serviceId, c);
  }

  heartbeat(serviceId: string, status: HealthStatus, metrics: Record<string, string> = {}): RegisteredComponent {
    const c = this.byServiceId.get(serviceId);
    if (!c) throw new NotFoundError("service", serviceId);
    const previous = c.status;
    c.lastHeartbeat = this.now();
    Object.assign(c.metrics, metrics);
    c.status = statusAfterHeartbeat(status);
    this.emit({ type: "heartbeat", component: c });
    if (previous !== c.status) this.emit({ type: "status", component: c, previous });
    return c;
  }

  /** Sets a status directly (the engine marks STOPPING components, the janitor UNHEALTHY). */
  setStatus(serviceId: string, status: HealthStatus): void {
    const c = this.byServiceId.get(serviceId);
    if (!c || c.status === status) return;
    const previous = c.status;
    c.status = status;
    this.emit({ type: "status", component: c, previous });
  }

  unregister(serviceId: string): RegisteredComponent {
    const c = this.byServiceId.get(serviceId);
    if (!c) throw new NotFoundError("service", serviceId);
    this.byServiceId.delete(serviceId);
    this.emit({ type: "unregistered", component: c });
    return c;
  }

  get(serviceId: string): RegisteredComponent | undefined {
    return this.byServiceId.get(serviceId);
  }

  /** By ComponentInfo.id (what `flowctl run` matches on), falling back to service id. */
  findByComponentId(id: string): RegisteredComponent | undefined {
    for (const c of this.byServiceId.values()) if (c.info.id === id) return c;
    return this.byServiceId.get(id);
  }

  list(filter: ListFilter = {}): RegisteredComponent[] {
    return [...this.byServiceId.values()]
      .filter((c) => !filter.type || filter.type === "UNSPECIFIED" || c.info.type === filter.type)
      .filter((c) => filter.includeUnhealthy || c.status === "HEALTHY" || c.status === "STARTING" || c.status === "DEGRADED")
      .sort((a, b) => a.info.id.localeCompare(b.info.id));
  }

  discover(filter: DiscoverFilter): ComponentInfo[] {
    return this.list({ type: filter.type, includeUnhealthy: true })
      .filter((c) => {
        const types = filter.eventTypes ?? [];
        if (types.length === 0) return true;
        const own = new Set([...c.info.inputEventTypes, ...c.info.outputEventTypes]);
        return types.some((t) => own.has(t));
      })
      .filter((c) => Object.entries(filter.metadata ?? {}).every(([k, v]) => c.info.metadata[k] === v))
      .map((c) => c.info);
  }

  /** Marks components whose heartbeat is older than the TTL UNHEALTHY; returns them. */
  expire(): RegisteredComponent[] {
    const now = this.now();
    const expired: RegisteredComponent[] = [];
    for (const c of this.byServiceId.values()) {
      if (isExpired(c, now, this.heartbeatTtlMs)) {
        const previous = c.status;
        c.status = "UNHEALTHY";
        expired.push(c);
        this.emit({ type: "status", component: c, previous });
      }
    }
    return expired;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  subscribe(listener: (c: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves when a component with `ComponentInfo.id === id` registers *after* `since` (so a stale
   * entry from an earlier run never satisfies the wait). Rejects on abort or timeout.
   */
  waitForRegistration(id: string, opts: { signal?: AbortSignal; timeoutMs: number; since: Date }): Promise<RegisteredComponent> {
    const existing = this.findByComponentId(id);
    if (existing && existing.registeredAt.getTime() >= opts.since.getTime()) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        unsubscribe();
        opts.signal?.removeEventListener("abort", onAbort);
      };
      const onAbort = () => {
        cleanup();
        reject(opts.signal?.reason ?? new Error("aborted"));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`component ${JSON.stringify(id)} did not register within ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      const unsubscribe = this.subscribe((ch) => {
        if (ch.type === "registered" && ch.component.info.id === id) {
          cleanup();
          resolve(ch.component);
        }
      });
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private emit(change: RegistryChange): void {
    for (const l of this.listeners) l(change);
  }
}
