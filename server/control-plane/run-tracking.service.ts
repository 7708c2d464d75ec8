/**
 * Pipeline-run tracking behind the legacy run RPCs, over the store. Stopping a run the local
 * engine owns goes through its RunController; any other run is only marked STOPPED.
 */
import { FlowError, NotFoundError } from "../core/errors";
import { TERMINAL_RUN_STATUSES, type RunMetricsSummary, type RunRecord, type RunStatus } from "../core/run";
import type { Store } from "../storage/store";

/** Provided by the engine for the runs it owns. */
export interface RunController {
  /**
   * Stops the run if this engine owns it, resolving true once it has stopped (its record is then
   * terminal); resolves false when the run is not owned here.
   */
  stopRun(runId: string): Promise<boolean>;
  /** True when this engine executes the run (its status then only moves along legal transitions). */
  ownsRun?(runId: string): boolean;
}

/** Default and "all" semantics of ListPipelineRuns' `limit` (flowctl: 0 → 10, negative → all). */
export function effectiveRunLimit(limit: number): number | undefined {
  if (limit === 0) return 10;
  return limit < 0 ? undefined : limit;
}

/** Use cases of the legacy run RPCs. */
export class RunTrackingService {
  constructor(
    private readonly store: Store | undefined,
    private readonly controller?: RunController,
  ) {}

  private requireStore(): Store {
    if (!this.store) throw new FlowError("FAILED_PRECONDITION", "run tracking is not available: this control plane has no store");
    return this.store;
  }

  create(input: { runId?: string; pipelineName: string; configYaml: string; componentIds: string[] }): Promise<RunRecord> {
    return this.requireStore().runs.create({ ...input, status: "STARTING" });
  }

  /**
   * A client's status report (legacy UpdatePipelineRun). Like upstream, any status is accepted for
   * runs reported by clients (a short run may go STARTING → COMPLETED directly); the run of an
   * engine in this process keeps its legal transitions, since the engine owns that record.
   */
  async update(runId: string, patch: { status?: RunStatus; metrics?: (previous: RunMetricsSummary | null) => RunMetricsSummary; error?: string }): Promise<RunRecord> {
    const runs = this.requireStore().runs;
    const current = await runs.get(runId);
    if (!current) throw new NotFoundError("run", runId);
    return runs.update(runId, {
      ...(this.controller?.ownsRun?.(runId) ? {} : { anyTransition: true }),
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.metrics ? { metrics: patch.metrics(current.metrics) } : {}),
      ...(patch.error ? { error: patch.error } : {}),
    });
  }

  async get(runId: string): Promise<RunRecord> {
    const run = await this.requireStore().runs.get(runId);
    if (!run) throw new NotFoundError("run", runId);
    return run;
  }

  /** Newest first; `status` FAILED also matches INTERRUPTED (both are FAILED on the legacy wire). */
  list(filter: { pipelineName?: string; status?: RunStatus; limit?: number }): Promise<RunRecord[]> {
    const status = filter.status === "FAILED" ? (["FAILED", "INTERRUPTED"] as RunStatus[]) : filter.status;
    return this.requireStore().runs.list({ pipelineName: filter.pipelineName, status, limit: filter.limit });
  }

  /** Stops a run: through the owning engine when there is one, else by marking it STOPPED. */
  async stop(runId: string): Promise<RunRecord> {
    const runs = this.requireStore().runs;
    const run = await this.get(runId);
    if (TERMINAL_RUN_STATUSES.has(run.status)) {
      throw new FlowError("FAILED_PRECONDITION", `run ${runId} already ended (${run.status})`);
    }
    if (this.controller && (await this.controller.stopRun(runId))) {
      const after = await this.get(runId);
      if (TERMINAL_RUN_STATUSES.has(after.status)) return after;
    }
    return runs.update(runId, { status: "STOPPED" });
  }
}
