/**
 * One place that owns shutdown (n8n's ShutdownService, Temporal's Runtime): hooks register with a
 * priority, higher priorities run first, each priority group runs concurrently with allSettled,
 * `shutdown()` runs once, and a deadline turns a hung hook into ShutdownTimeoutError.
 */
import type { Logger } from "../core/logger";
import { silentLogger } from "../core/logger";

export type ShutdownHook = () => Promise<void> | void;

export class ShutdownTimeoutError extends Error {
  constructor(ms: number) {
    super(`shutdown did not finish within ${ms} ms`);
    this.name = "ShutdownTimeoutError";
  }
}

export class ShutdownRegistry {
  private readonly hooks: { name: string; priority: number; fn: ShutdownHook }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly logger: Logger = silentLogger) {}

  /** Registers a hook; returns a function that removes it. Priority: higher runs earlier. */
  register(name: string, fn: ShutdownHook, priority = 0): () => void {
    const entry = { name, priority, fn };
    this.hooks.push(entry);
    return () => {
      const i = this.hooks.indexOf(entry);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  get isShuttingDown(): boolean {
    return this.running !== undefined;
  }

  /** Runs every hook once (idempotent: later calls return the same promise). */
  shutdown(deadlineMs = 30_000): Promise<void> {
    this.running ??= this.runAll(deadlineMs);
    return this.running;
  }

  private async runAll(deadlineMs: number): Promise<void> {
    const priorities = [...new Set(this.hooks.map((h) => h.priority))].sort((a, b) => b - a);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ShutdownTimeoutError(deadlineMs)), deadlineMs);
      timer.unref();
    });
    const work = (async () => {
      for (const p of priorities) {
        const group = this.hooks.filter((h) => h.priority === p);
        const results = await Promise.allSettled(group.map(async (h) => h.fn()));
        results.forEach((r, i) => {
          if (r.status === "rejected") this.logger.warn("shutdown hook failed", { hook: group[i]!.name, error: String(r.reason) });
        });
      }
    })();
    try {
      await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
