/**
 * A run's lifecycle events: delivered to `onEvent` listeners at once and persisted as RunEvents in
 * order. A failing write or listener is logged, never thrown into the engine.
 */
import type { Logger } from "../core/logger";
import type { RunEventType } from "../core/run";
import type { Store } from "../storage/store";
import type { EngineEvent } from "./run-types";

export class RunEventLog {
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private persisted: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runId: string,
    private readonly store: Store | undefined,
    private readonly logger: Logger,
  ) {}

  emit(type: RunEventType, componentId: string | null, message: string, data: Record<string, unknown> | null = null): void {
    const e: EngineEvent = { at: new Date(), type, componentId, message, data };
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.logger.warn("run event listener failed", { runId: this.runId, type, error: String(err) });
      }
    }
    const store = this.store;
    if (store) {
      this.persisted = this.persisted.then(() =>
        store.runs.appendEvent(this.runId, { type, componentId, message, data, at: e.at }).catch((err: unknown) => this.logger.warn("run event not persisted", { runId: this.runId, type, error: String(err) })),
      );
    }
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every event emitted so far is written (or its failure logged). */
  flushed(): Promise<void> {
    return this.persisted.then(() => undefined);
  }
}
