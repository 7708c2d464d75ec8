/**
 * Lifecycle of one component instance under the supervisor, as an explicit state union with
 * guarded transitions (an impossible transition is a bug: IllegalStateError).
 *
 * starting → registering → running → (restarting → starting …) | exited | failed | stopped
 */
import { IllegalStateError } from "../core/errors";

export const INSTANCE_STATES = ["starting", "registering", "running", "restarting", "exited", "failed", "stopped"] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

const TRANSITIONS: Record<InstanceState, readonly InstanceState[]> = {
  // starting: the process is being spawned.
  starting: ["registering", "restarting", "failed", "stopped"],
  // registering: spawned, waiting for RegisterComponent.
  registering: ["running", "restarting", "exited", "failed", "stopped"],
  running: ["restarting", "exited", "failed", "stopped"],
  // restarting: exited, waiting out the backoff before the next start.
  restarting: ["starting", "failed", "stopped"],
  // exited: finished and not restarted by its policy (e.g. a bounded source that exited 0).
  exited: ["stopped"],
  failed: [],
  stopped: [],
};

export function canTransitionInstance(from: InstanceState, to: InstanceState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws IllegalStateError when `from → to` is not allowed. */
export function assertInstanceTransition(from: InstanceState, to: InstanceState): void {
  if (!canTransitionInstance(from, to)) throw new IllegalStateError(from, to, "instance transition");
}

/** Terminal for the supervisor: nothing will start this instance again. */
export function isInstanceTerminal(s: InstanceState): boolean {
  return s === "exited" || s === "failed" || s === "stopped";
}
