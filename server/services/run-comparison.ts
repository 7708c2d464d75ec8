/**
 * A run's diagnosis next to the previous run of the same pipeline: what changed in the pipeline
 * file and what it did (`compareRuns`), so `flowctl diagnose` says how close a recommended
 * estimate came. The previous run is the newest earlier run of the pipeline whose diagnosis was
 * stored (by `flowctl run`, `flowctl diagnose <file>` or the console).
 */
import type { RunRecord } from "../core/run";
import { compareRuns } from "../diagnosis/compare-runs";
import type { DiagnosisReport, RunComparison } from "../diagnosis/diagnosis-types";

/** The store queries a comparison needs (structural). */
export interface ComparisonStore {
  runs: {
    list(filter: { pipelineName?: string; limit?: number }): Promise<RunRecord[]>;
    getDiagnosis(runId: string): Promise<Record<string, unknown> | null>;
  };
}

/** How many earlier runs are looked through for one with a stored diagnosis. */
const LOOK_BACK = 20;

/** The comparison of `run` (diagnosed as `report`) with the run before it, when there is one. */
export async function compareWithPreviousRun(store: ComparisonStore, run: Pick<RunRecord, "runId" | "pipelineName" | "startedAt" | "configYaml">, report: DiagnosisReport): Promise<RunComparison | undefined> {
  const earlier = (await store.runs.list({ pipelineName: run.pipelineName, limit: LOOK_BACK })).filter((r) => r.runId !== run.runId && r.startedAt.getTime() < run.startedAt.getTime());
  for (const prev of earlier) {
    const stored = await store.runs.getDiagnosis(prev.runId);
    if (!stored || !Array.isArray(stored.components)) continue;
    return compareRuns({ runId: prev.runId, configYaml: prev.configYaml, report: stored as unknown as DiagnosisReport }, { runId: run.runId, configYaml: run.configYaml, report });
  }
  return undefined;
}
