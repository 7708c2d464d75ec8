/** The context handed to user code, and the clock abstraction the test harness replaces. */
import type { Logger } from "../core/logger";
import { wallNowMs } from "./event";
import type { ComponentMetrics } from "./metrics";
import type { ComponentContext } from "./types";

/** Timers and wall time; the harness substitutes a fake one. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process clock (wall time with sub-millisecond precision, real timers). */
export const realClock: Clock = {
  now: wallNowMs,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Inputs of {@link createContext}. */
export interface ContextOptions {
  componentId: string;
  signal: AbortSignal;
  logger: Logger;
  metrics: ComponentMetrics;
  partition: { id: number; count: number } | undefined;
  clock: Clock;
}

/** Builds the {@link ComponentContext} for one component instance. */
export function createContext(opts: ContextOptions): ComponentContext {
  const { clock, signal, metrics } = opts;
  return {
    componentId: opts.componentId,
    signal,
    logger: opts.logger,
    metrics: metrics.user,
    partition: opts.partition,
    now: () => clock.now(),
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (signal.aborted || ms <= 0) return resolve();
        metrics.time.suspend();
        const done = () => {
          metrics.time.resume();
          resolve();
        };
        const onAbort = () => {
          clock.clearTimeout(handle);
          done();
        };
        const handle = clock.setTimeout(() => {
          signal.removeEventListener("abort", onAbort);
          done();
        }, ms);
        signal.addEventListener("abort", onAbort, { once: true });
      }),
  };
}
