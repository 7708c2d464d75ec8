/**
 * The in-memory component registry behind both control-plane services. Persistence is a listener
 * (the store snapshots changes); the engine waits on it for registrations.
 *
 * Registrations that claim a run (metadata `flowctl_run_id`) are keyed per run (`gen@<run>`), so
 * one registry serves many runs whose components share ids. A run of this process guards its
 * claims ({@link ComponentRegistry.guardRun}): a registration claiming it with a wrong instance
 * proof is refused with PERMISSION_DENIED before it is stored.
 */
import { FlowError, InvalidArgumentError, NotFoundError } from "../core/errors";
import {
  isExpired,
  registryKey,
  runIdOf,
  statusAfterHeartbeat,
  type ComponentInfo,
  type ComponentKind,
  type HealthStatus,
  type RegisteredComponent,
} from "../core/registry";

/** Judges a registration claiming a guarded run: a refusal reason, or undefined to accept it. */
export type RunRegistrationGuard = (info: ComponentInfo) => string | undefined;

/** Options of {@link ComponentRegistry.waitForRegistration}. */
export interface WaitForRegistrationOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  /** Only registrations at or after this time count (stale entries never satisfy a new wait). */
  since: Date;
  /** Further condition (the engine's check that the registration is its own instance's). */
  accept?: (c: RegisteredComponent) => boolean;
}

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
  private readonly guards = new Map<string, RunRegistrationGuard>();
  readonly heartbeatTtlMs: number;
  private readonly now: () => Date;

  constructor(opts: RegistryOptions = {}) {
    this.heartbeatTtlMs = opts.heartbeatTtlMs ?? 30_000;
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Registers (or re-registers, overwriting the same key) a component. The key is the service id
   * (`componentId` ‖ `info.id`), qualified by the claimed run ({@link registryKey}). Throws
   * PERMISSION_DENIED when the claimed run's guard refuses it.
   */
  register(info: ComponentInfo, componentId?: string): RegisteredComponent {
    if (!info.id && !componentId) throw new InvalidArgumentError("component.id", "is required");
    const runId = runIdOf(info);
    const guard = runId ? this.guards.get(runId) : undefined;
    const refused = guard?.({ ...info, id: info.id || componentId! });
    if (refused) throw new FlowError("PERMISSION_DENIED", `registration of ${JSON.stringify(info.id || componentId)} for run ${runId} refused: ${refused}`);
    const serviceId = registryKey(componentId || info.id, runId);
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

  /**
   * Guards the registrations claiming `runId` (the engine's run of this process); returns the
   * function that removes the guard.
   */
  guardRun(runId: string, guard: RunRegistrationGuard): () => void {
    this.guards.set(runId, guard);
    return () => {
      if (this.guards.get(runId) === guard) this.guards.delete(runId);
    };
  }

  /**
   * The entry a client means by `serviceId`: the exact key, else — for clients that keep using
   * their plain id after registering for a run (upstream's reporter heartbeats that way) — the most
   * recent registration whose key is that id qualified by its run.
   */
  resolve(serviceId: string): RegisteredComponent | undefined {
    const exact = this.byServiceId.get(serviceId);
    if (exact) return exact;
    let best: RegisteredComponent | undefined;
    for (const c of this.byServiceId.values()) {
      const runId = runIdOf(c.info);
      if (runId && c.serviceId === registryKey(serviceId, runId) && (!best || c.registeredAt >= best.registeredAt)) best = c;
    }
    return best;
  }

  heartbeat(serviceId: string, status: HealthStatus, metrics: Record<string, string> = {}): RegisteredComponent {
    const c = this.resolve(serviceId);
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
    const c = this.resolve(serviceId);
    if (!c || c.status === status) return;
    const previous = c.status;
    c.status = status;
    this.emit({ type: "status", component: c, previous });
  }

  unregister(serviceId: string): RegisteredComponent {
    const c = this.resolve(serviceId);
    if (!c) throw new NotFoundError("service", serviceId);
    this.byServiceId.delete(c.serviceId);
    this.emit({ type: "unregistered", component: c });
    return c;
  }

  /**
   * Unregisters `c` only if its key still holds that very registration: a run ending must not
   * remove what another run (or a restarted instance) registered under the same key since.
   */
  unregisterOwn(c: RegisteredComponent): void {
    const current = this.byServiceId.get(c.serviceId);
    if (current && current.registeredAt.getTime() === c.registeredAt.getTime() && current.info.endpoint === c.info.endpoint) this.unregister(c.serviceId);
  }

  get(serviceId: string): RegisteredComponent | undefined {
    return this.byServiceId.get(serviceId);
  }

  /** By ComponentInfo.id (the most recent registration of that id), falling back to service id. */
  findByComponentId(id: string): RegisteredComponent | undefined {
    let best: RegisteredComponent | undefined;
    for (const c of this.byServiceId.values()) if (c.info.id === id && (!best || c.registeredAt >= best.registeredAt)) best = c;
    return best ?? this.byServiceId.get(id);
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
   * entry from an earlier run never satisfies the wait) and `accept` takes it. Rejects on abort or
   * timeout.
   */
  waitForRegistration(id: string, opts: WaitForRegistrationOptions): Promise<RegisteredComponent> {
    const matches = (c: RegisteredComponent) => c.info.id === id && (opts.accept?.(c) ?? true);
    // Entries already there count only if registered since; anything registered from now on does.
    for (const c of this.byServiceId.values()) if (c.registeredAt.getTime() >= opts.since.getTime() && matches(c)) return Promise.resolve(c);
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
        if (ch.type === "registered" && matches(ch.component)) {
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
