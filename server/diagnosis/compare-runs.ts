/**
 * A run compared with the previous run of the same pipeline: what changed in the pipeline file
 * (replicas, batch, queue capacity, env), whether the previous diagnosis recommended it, and what
 * it did — for replicas, how close the previous diagnosis' estimate came. Pure: both runs' YAML
 * and diagnoses in, a comparison out.
 */
import { loadPipeline } from "../core/spec/index";
import type { CompiledComponent } from "../core/spec/compile";
import type { ComponentReport, DiagnosisReport, RunChange, RunComparison } from "./diagnosis-types";

/** One side of the comparison: the run's pipeline file and its diagnosis. */
export interface ComparedRun {
  runId: string;
  configYaml: string;
  report: DiagnosisReport;
}

const fmtRate = (r: number) => (r >= 100 ? `${Math.round(r)}` : r.toFixed(1));
const pct = (x: number) => `${Math.round(x * 100)} %`;

/** The rate a component's capacity is judged by: what a sink writes, what others take in. */
function throughput(c: ComponentReport | undefined): number | null {
  if (!c) return null;
  return c.role === "sink" ? (c.outRate ?? c.inRate) : (c.inRate ?? c.outRate);
}

const batchText = (b: CompiledComponent["batch"]) => (b ? `{ size: ${b.size}, flush_interval_ms: ${b.flushIntervalMs} }` : "none");

/** Settings that differ between two compilations of one component: [spec key, before, after]. */
function settingChanges(a: CompiledComponent, b: CompiledComponent): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  if (a.replicas !== b.replicas) out.push(["replicas", String(a.replicas), String(b.replicas)]);
  if (batchText(a.batch) !== batchText(b.batch)) out.push(["batch", batchText(a.batch), batchText(b.batch)]);
  if (a.queue.capacity !== b.queue.capacity) out.push(["queue.capacity", String(a.queue.capacity), String(b.queue.capacity)]);
  for (const key of new Set([...Object.keys(a.env), ...Object.keys(b.env)])) {
    if (a.env[key] !== b.env[key]) out.push([`env.${key}`, a.env[key] ?? "unset", b.env[key] ?? "unset"]);
  }
  return out;
}

/** Whether the previous diagnosis advised this change of `setting` on `id`. */
function wasRecommended(prev: DiagnosisReport, id: string, setting: string, to: string): boolean {
  const b = prev.bottleneck;
  if (!b) return false;
  const recs = b.recommendations.join("\n");
  if (setting === "replicas") return (b.estimates ?? []).some((e) => e.component === id && String(e.value) === to) || recs.includes(`\`replicas: ${to}\` on ${id}`);
  if (setting === "batch") return (b.component === id || b.edge?.to === id) && /`batch: \{/.test(recs);
  if (setting === "queue.capacity") return b.edge?.to === id && recs.includes("`queue.capacity`");
  return false;
}

/**
 * Compares `current` with `previous` (the run before it of the same pipeline). Undefined when
 * either YAML no longer compiles or nothing the comparison covers changed.
 */
export function compareRuns(previous: ComparedRun, current: ComparedRun): RunComparison | undefined {
  const before = loadPipeline(previous.configYaml, { file: `run ${previous.runId}` }).pipeline;
  const after = loadPipeline(current.configYaml, { file: `run ${current.runId}` }).pipeline;
  if (!before || !after) return undefined;
  const prevRun = previous.runId.slice(0, 8);
  const changes: RunChange[] = [];
  for (const b of after.components) {
    const a = before.components.find((x) => x.id === b.id);
    if (!a) continue;
    const measured = throughput(current.report.components.find((c) => c.id === b.id));
    const was = throughput(previous.report.components.find((c) => c.id === b.id));
    for (const [setting, from, to] of settingChanges(a, b)) {
      const recommended = wasRecommended(previous.report, b.id, setting, to);
      const range = setting === "replicas" ? replicaEstimate(previous.report, b.id, Number(to)) : null;
      const est = range?.at ?? null;
      const ratio = est !== null && measured !== null && est > 0 ? measured / est : null;
      const rates = measured === null ? "" : was === null ? `; ${b.id} now runs at ${fmtRate(measured)} events/s` : `; ${b.id}'s rate ${fmtRate(was)} → ${fmtRate(measured)} events/s (${was > 0 ? `${measured >= was ? "+" : "−"}${pct(Math.abs(measured / was - 1))}` : "from none"})`;
      const estimateText =
        range === null
          ? ""
          : range.upTo !== null
            ? `; run ${prevRun} estimated ${fmtRate(range.at)}–${fmtRate(range.upTo)} events/s${measured === null ? "" : measured < range.at ? ": the measured rate is below that range" : measured > range.upTo ? ": the measured rate is above that range" : ": the measured rate is within it"}`
            : ratio === null
              ? `; run ${prevRun} estimated ≈ ${fmtRate(range.at)} events/s`
              : `; run ${prevRun} estimated ≈ ${fmtRate(range.at)} events/s: the measured rate is ${pct(ratio)} of the estimate`;
      changes.push({
        component: b.id,
        setting,
        from,
        to,
        recommended,
        estimate: est,
        measured,
        before: was,
        ratio: ratio === null ? null : Math.round(ratio * 1000) / 1000,
        message: `${b.id}: ${setting} ${from} → ${to}${recommended ? `, as run ${prevRun}'s diagnosis recommended` : ""}${rates}${estimateText}`,
      });
    }
  }
  return changes.length ? { previousRunId: previous.runId, changes } : undefined;
}

/**
 * The previous diagnosis' estimate for `replicas` = n (a value, or a range up to `upTo`): its own
 * estimate for that value, else its per-replica capacity × n. Null without either.
 */
function replicaEstimate(prev: DiagnosisReport, id: string, n: number): { at: number; upTo: number | null } | null {
  const ests = (prev.bottleneck?.estimates ?? []).filter((e) => e.component === id && e.setting === "replicas");
  const exact = ests.find((e) => e.value === n);
  if (exact) return { at: exact.eventsPerSecond, upTo: exact.upTo ?? null };
  const any = ests.find((e) => !e.cappedByHost);
  return any ? { at: Math.round(any.perReplica * n * 10) / 10, upTo: null } : null;
}
