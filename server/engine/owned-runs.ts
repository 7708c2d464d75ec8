/**
 * The runs this process executes, and the RunController that lets a control plane stop any of
 * them: the console starts one shared control plane and many runs against it, so its
 * StopPipelineRun must reach whichever run owns the id.
 */
import type { RunController } from "../control-plane/run-tracking.service";
import type { RunHandle } from "./run-types";

interface OwnedRun {
  handle: RunHandle;
  /** Resolves once the run's terminal status is in the store. */
  recorded: Promise<void>;
}

const owned = new Map<string, OwnedRun>();

/** The handle of a run this process executes, if any. */
export function ownedRun(runId: string): RunHandle | undefined {
  return owned.get(runId)?.handle;
}

/** Ids of the runs this process executes (kept out of `markInterrupted`). */
export function ownedRunIds(): string[] {
  return [...owned.keys()];
}

/** Called by runPipeline for each run it starts; returns the function that forgets it. */
export function trackOwnedRun(handle: RunHandle, recorded: Promise<void>): () => void {
  const entry = { handle, recorded };
  owned.set(handle.runId, entry);
  return () => {
    if (owned.get(handle.runId) === entry) owned.delete(handle.runId);
  };
}

/**
 * Stops `runId` if this process executes it: resolves true once its terminal status is recorded
 * (the StopPipelineRun answer reads that record), false when the run is not owned here.
 */
export async function stopOwnedRun(runId: string, reason = "StopPipelineRun"): Promise<boolean> {
  const run = owned.get(runId);
  if (!run) return false;
  // `recorded`, not the stop itself: an embedded control plane closes only after answering this call.
  const stopped = run.handle.stop(reason).then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([run.recorded, stopped]);
  return true;
}

/**
 * The RunController for a control plane shared by several runs of this process
 * (`startControlPlane({ runController: ownedRunController, … })`): StopPipelineRun stops whichever
 * run owns the id; runs of other processes are only marked STOPPED by the control plane.
 */
export const ownedRunController: RunController = { stopRun: (runId) => stopOwnedRun(runId), ownsRun: (runId) => owned.has(runId) };

/**
 * Stops every run this process executes (process shutdown, an engine error): resolves once each
 * has recorded its terminal status. Never rejects.
 */
export async function stopAllOwnedRuns(reason: string): Promise<void> {
  await Promise.all(ownedRunIds().map((id) => stopOwnedRun(id, reason).catch(() => false)));
}
