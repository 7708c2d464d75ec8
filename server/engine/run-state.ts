/**
 * The run's lifecycle on the engine side, as a state union with guarded transitions:
 *
 * starting → running → draining → completed | stopping → stopped | failed
 *
 * `draining`: sources stopped, queues emptying into the sinks; `stopping`: components are being
 * terminated. A start failure goes starting → stopping → failed.
 */
import { IllegalStateError } from "../core/errors";
import type { RunStatus } from "../core/run";

export const RUN_STATES = ["starting", "running", "draining", "stopping", "completed", "failed", "stopped"] as const;
export type RunState = (typeof RUN_STATES)[number];
export type TerminalRunState = "completed" | "failed" | "stopped";

const TRANSITIONS: Record<RunState, readonly RunState[]> = {
  starting: ["running", "draining", "stopping"],
  running: ["draining", "stopping"],
  draining: ["stopping", "completed", "failed", "stopped"],
  stopping: ["completed", "failed", "stopped"],
  completed: [],
  failed: [],
  stopped: [],
};

/** Throws IllegalStateError when `from → to` is not a run state transition (staying is allowed). */
export function assertRunStateTransition(from: RunState, to: RunState): void {
  if (from !== to && !TRANSITIONS[from].includes(to)) throw new IllegalStateError(from, to, "run state transition");
}

/** The stored status of a terminal state. */
export const TERMINAL_STATUS: Record<TerminalRunState, RunStatus> = { completed: "COMPLETED", failed: "FAILED", stopped: "STOPPED" };
