/**
 * Keeps the store's Component table in step with the in-memory registry, so a restarted control
 * plane knows what was registered. Registrations, status changes and removals are written at once;
 * heartbeat-only changes are coalesced (at most one write per component per `heartbeatFlushMs`).
 * Writes are serialised; a failed write is logged and retried with the next flush.
 */
import type { Logger } from "../core/logger";
import type { RegisteredComponent } from "../core/registry";
import type { Store } from "../storage/store";
import type { ComponentRegistry, RegistryChange } from "./registry";

/** Options of {@link RegistrySnapshotWriter}. */
export interface RegistrySnapshotOptions {
  /** Delay before heartbeat-only changes are written. @default 2000 */
  heartbeatFlushMs?: number;
  logger: Logger;
}

type Pending = { op: "upsert"; component: RegisteredComponent } | { op: "delete" };

/** Subscribes to a registry and writes its changes to `store.components`. */
export class RegistrySnapshotWriter {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly unsubscribe: () => void;
  private stopped = false;
  private readonly heartbeatFlushMs: number;
  /** Consecutive failed flushes (for logs and tests). */
  failures = 0;

  constructor(
    registry: ComponentRegistry,
    private readonly store: Store,
    private readonly opts: RegistrySnapshotOptions,
  ) {
    this.heartbeatFlushMs = opts.heartbeatFlushMs ?? 2_000;
    this.unsubscribe = registry.subscribe((ch) => this.onChange(ch));
  }

  /** Loads the persisted snapshot into the registry (without emitting `registered`). */
  static async restore(registry: ComponentRegistry, store: Store): Promise<RegisteredComponent[]> {
    const components = await store.components.list();
    registry.restore(components);
    return components;
  }

  private onChange(ch: RegistryChange): void {
    if (this.stopped) return;
    const id = ch.component.serviceId;
    if (ch.type === "unregistered") this.pending.set(id, { op: "delete" });
    else this.pending.set(id, { op: "upsert", component: ch.component });
    this.schedule(ch.type === "heartbeat" ? this.heartbeatFlushMs : 0);
  }

  private schedule(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }

  /** Writes everything pending now; resolves when written (or the attempt failed and was logged). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = new Map(this.pending);
    this.pending.clear();
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async write(batch: Map<string, Pending>): Promise<void> {
    const upserts: RegisteredComponent[] = [];
    const deletes: string[] = [];
    for (const [id, p] of batch) {
      if (p.op === "upsert") upserts.push({ ...p.component, info: { ...p.component.info }, metrics: { ...p.component.metrics } });
      else deletes.push(id);
    }
    try {
      await this.store.components.upsertMany(upserts);
      for (const id of deletes) await this.store.components.delete(id);
      this.failures = 0;
    } catch (err) {
      this.failures += 1;
      // Put back what failed unless a newer change for the same component arrived meanwhile.
      for (const [id, p] of batch) if (!this.pending.has(id)) this.pending.set(id, p);
      this.opts.logger.warn("registry snapshot write failed; will retry", { error: (err as Error).message, failures: this.failures });
      if (!this.stopped) this.schedule(Math.min(30_000, 1_000 * 2 ** Math.min(this.failures, 5)));
    }
  }

  /** Stops listening and writes what is pending. */
  async close(): Promise<void> {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.stopped = true;
    await this.flush();
  }
}
