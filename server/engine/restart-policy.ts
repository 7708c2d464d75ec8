/**
 * Restart decisions: the policy (`no | on-failure | always | unless-stopped`), capped exponential
 * backoff, and crash-loop detection (N restarts within M seconds fail the run).
 */
import type { RestartPolicy } from "../core/spec/pipeline-spec.schema";

export interface ExitLike {
  code: number | null;
  signal: string | null;
}

/** True when the exit counts as a failure (non-zero code, killed by a signal, or never started). */
export function isFailureExit(exit: ExitLike): boolean {
  return exit.code !== 0 || exit.signal !== null;
}

/**
 * Whether the supervisor restarts an instance after this exit. `stopping` (the run is stopping)
 * never restarts. `always` and `unless-stopped` behave the same inside one run: only a stop by the
 * user (which is `stopping`) prevents the restart.
 */
export function shouldRestart(policy: RestartPolicy, exit: ExitLike, stopping: boolean): boolean {
  if (stopping) return false;
  switch (policy) {
    case "no":
      return false;
    case "on-failure":
      return isFailureExit(exit);
    case "always":
    case "unless-stopped":
      return true;
  }
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 10_000, factor: 2 };

/** Delay before restart number `attempt` (0-based), capped. */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  return Math.min(opts.maxMs, Math.round(opts.initialMs * opts.factor ** Math.max(0, attempt)));
}

/** A stable run of this long resets the backoff. */
export const STABLE_RUN_MS = 30_000;

/**
 * Backoff of one instance across its restarts: each exit waits twice as long as the previous one
 * (capped), and only an exit after a run of at least `stableMs` starts over from the initial
 * delay. Each period of running counts once: an instance that ran stably once and then
 * crash-loops backs off again, up to the cap.
 */
export class RestartBackoff {
  private failures = 0;
  private runningSince: number | undefined;

  constructor(
    private readonly opts: BackoffOptions = DEFAULT_BACKOFF,
    private readonly stableMs = STABLE_RUN_MS,
  ) {}

  /** The instance is up (registered) since `now`. */
  running(now: number): void {
    this.runningSince = now;
  }

  /** The instance exited at `now`; returns the delay before it is started again. */
  exited(now: number): number {
    if (this.runningSince !== undefined && now - this.runningSince >= this.stableMs) this.failures = 0;
    this.runningSince = undefined;
    return backoffDelay(this.failures++, this.opts);
  }
}

export interface CrashLoopOptions {
  /** Restarts that make a loop… @default 5 */
  maxRestarts: number;
  /** …within this window. @default 60_000 */
  windowMs: number;
}

export const DEFAULT_CRASH_LOOP: CrashLoopOptions = { maxRestarts: 5, windowMs: 60_000 };

/** Counts restarts in a sliding window; `record` returns true when the instance is crash-looping. */
export class CrashLoopDetector {
  private readonly times: number[] = [];
  constructor(private readonly opts: CrashLoopOptions = DEFAULT_CRASH_LOOP) {}

  record(now: number): boolean {
    this.times.push(now);
    while (this.times.length > 0 && now - this.times[0]! > this.opts.windowMs) this.times.shift();
    return this.times.length > this.opts.maxRestarts;
  }

  /** Restarts inside the current window. */
  get recent(): number {
    return this.times.length;
  }

  describe(): string {
    return `${this.opts.maxRestarts} restarts within ${Math.round(this.opts.windowMs / 1000)}s`;
  }
}
