/**
 * The editor's what-if basis: the last run of a pipeline that measured something, as the per
 * component rows of its diagnosis (rates, busy share) plus the replicas that run had. The run in
 * progress wins; otherwise the newest runs are tried in order (a run that failed at start measured
 * nothing and is skipped).
 */
import os from "node:os";
import type { RunRecord } from "../core/run";
import type { DiagnosisReport } from "../diagnosis/diagnosis-types";
import type { RunMeasurementsItem } from "./api-types";
import { graphOfYaml } from "./pipeline-graph";

/** What {@link measurementsOf} reads (the run service's own methods). */
export interface MeasurementSources {
  runs(pipeline: string, limit: number): Promise<RunRecord[]>;
  active(pipeline: string): string | undefined;
  diagnosis(runId: string): Promise<DiagnosisReport>;
  version(versionId: string): Promise<number | null>;
  /** Cores of this machine (the console runs its pipelines here). */
  cpuCount?: number;
}

/** Newest runs looked at before giving up: diagnosing an old run from its rollups costs a query each. */
const CANDIDATES = 3;

/** The what-if basis of `pipeline`, or null when none of its recent runs measured anything. */
export async function measurementsOf(pipeline: string, src: MeasurementSources): Promise<RunMeasurementsItem | null> {
  const runs = await src.runs(pipeline, CANDIDATES + 2);
  const active = src.active(pipeline);
  const ordered = [...runs.filter((r) => r.runId === active), ...runs.filter((r) => r.runId !== active && r.status !== "STARTING")].slice(0, CANDIDATES);
  for (const run of ordered) {
    let report: DiagnosisReport;
    try {
      report = await src.diagnosis(run.runId);
    } catch {
      continue; // a run without rollups (failed at start, interrupted at once) has nothing to offer
    }
    const replicas = new Map((graphOfYaml(run.configYaml)?.nodes ?? []).map((n) => [n.id, n.replicas]));
    const components = report.components
      .filter((c) => c.busy !== null || c.inRate !== null || c.outRate !== null)
      .map((c) => ({ id: c.id, inRate: c.inRate, outRate: c.outRate, busy: c.busy, replicas: replicas.get(c.id) ?? 1 }));
    if (components.length === 0) continue;
    // Forward-compatible: reports that carry each component's CPU give the pipeline's total.
    const cpu = report.components.map((c) => (c as { cpuCores?: number | null }).cpuCores);
    const cpuUsedCores = cpu.length > 0 && cpu.every((x) => typeof x === "number") ? (cpu as number[]).reduce((a, b) => a + b, 0) : null;
    return {
      runId: run.runId,
      status: run.status,
      version: run.pipelineVersionId ? await src.version(run.pipelineVersionId) : null,
      window: report.window,
      components,
      host: { cpuCount: src.cpuCount ?? os.availableParallelism(), cpuUsedCores },
      bottleneck: report.bottleneck?.component ?? null,
    };
  }
  return null;
}
