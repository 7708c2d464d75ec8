/**
 * `flowctl diagnose <pipeline.yaml | run-id> [--for 20s] [--window 10s] [--json] [--db-path]`:
 * which component (or edge) limits the pipeline, the evidence, and what to change. With a file it
 * runs the pipeline, observes it, and stops it; with a run id it reads the stored run.
 * `--json` prints exactly one JSON object on stdout; logs always go to stderr.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import pc from "picocolors";
import { z } from "zod";
import { parseDuration } from "../../core/units";
import type { DiagnosisReport } from "../../diagnosis/diagnosis-types";
import { handleSignals } from "../../lifecycle/signals";
import { cliContext, parseFlags } from "../context";
import { loadPipelineFile } from "../pipeline-file";
import { diagnosePipelineFile, diagnoseStoredRun, type DiagnoseOutcome } from "../../services/run-diagnosis.service";
import { formatTable } from "../output";

const duration = (flag: string, min: number) =>
  z.string().transform((s, ctx) => {
    const ms = parseDuration(s);
    if (ms === undefined) ctx.addIssue({ code: "custom", message: `invalid duration ${JSON.stringify(s)} for ${flag} (use e.g. 10s, 1m)` });
    else if (ms < min) ctx.addIssue({ code: "custom", message: `${flag} must be at least ${min / 1000}s, got ${s}` });
    return ms ?? 0;
  });

export const diagnoseFlagsSchema = z
  .object({
    for: duration("--for", 2_000).default(20_000),
    window: duration("--window", 2_000).default(10_000),
    gracePeriod: duration("--grace-period", 0).default(10_000),
    json: z.boolean().default(false),
    dbPath: z.string().min(1).optional(),
    persistence: z.boolean().default(true),
  })
  .refine((f) => f.for >= f.window, { message: "must be at least --window (a whole window of data is needed)", path: ["for"] });

/** Registers `flowctl diagnose`. */
export function registerDiagnoseCommand(program: Command): void {
  program
    .command("diagnose")
    .description("find the bottleneck of a pipeline (run it for --for) or of a recorded run, with evidence and fixes")
    .argument("<target>", "pipeline YAML file, or a run id (prefix) from the store")
    .option("--for <duration>", "how long to run and observe a pipeline file", "20s")
    .option("--window <duration>", "metric window the diagnosis reads", "10s")
    .option("--grace-period <duration>", "drain/terminate budget when stopping the observed pipeline", "10s")
    .option("--json", "print one JSON object on stdout (logs on stderr)", false)
    .option("--db-path <path>", "SQLite database the run is recorded in / read from (default .flowctl/flowctl.db)")
    .option("--no-persistence", "with a file: do not keep the run (a temporary database, deleted at exit)")
    .action(async (target: string, rawFlags: unknown, cmd: Command) => {
      const { logger } = cliContext(cmd);
      const flags = parseFlags(diagnoseFlagsSchema, rawFlags);
      const isFile = existsSync(target) || /\.ya?ml$/i.test(target);
      let outcome: DiagnoseOutcome;
      if (isFile) {
        const ac = new AbortController();
        const force = new AbortController();
        const stopSignals = handleSignals({
          onGraceful: () => {
            logger.warn("interrupted: diagnosing what was observed so far, then stopping (Ctrl-C again to force)");
            ac.abort();
          },
          onForce: () => force.abort(),
        });
        try {
          outcome = await diagnosePipelineFile({ loaded: await loadPipelineFile(target), forMs: flags.for, windowMs: flags.window, dbPath: flags.dbPath, persistence: flags.persistence, gracePeriodMs: flags.gracePeriod, logger, signal: ac.signal, forceSignal: force.signal });
        } finally {
          stopSignals();
        }
      } else {
        outcome = await diagnoseStoredRun({ runId: target, windowMs: flags.window, dbPath: flags.dbPath, prometheusUrl: process.env.PROMETHEUS_URL, logger });
      }
      process.stdout.write(flags.json ? JSON.stringify(outcome.report) + "\n" : renderDiagnosis(outcome, { color: pc.isColorSupported }));
    });
}

const num = (x: number | null, digits = 1) => (x === null ? "-" : x >= 1000 ? Math.round(x).toString() : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? "-" : `${Math.round(x * 100)}%`);

/** The human report: per-component table, verdict, evidence, recommendations, findings. */
export function renderDiagnosis(o: DiagnoseOutcome, opts: { color: boolean }): string {
  const c = opts.color ? pc : { bold: (s: string) => s, red: (s: string) => s, green: (s: string) => s, yellow: (s: string) => s, dim: (s: string) => s };
  const r: DiagnosisReport = o.report;
  const lines: string[] = [];
  lines.push(c.bold(`Diagnosis of ${r.pipeline}`) + c.dim(`  run ${o.runId}  window ${r.window.from} → ${r.window.to}`), "");
  if (r.components.length) {
    lines.push(
      formatTable(
        ["COMPONENT", "ROLE", "IN/s", "OUT/s", "P50 ms", "P95 ms", "P99 ms", "BUSY", "BACKPRESSURED", "CPU", "QUEUE", "ERRORS"],
        r.components.map((x) => [
          x.id === r.bottleneck?.component ? c.red(x.id) : x.id,
          x.role,
          num(x.inRate),
          num(x.outRate),
          num(x.p50Ms, 2),
          num(x.p95Ms, 2),
          num(x.p99Ms, 2),
          pct(x.busy),
          pct(x.backpressured),
          // Cores used, and what bounds a busy stage (cpu / waiting / unknown).
          `${x.cpuCores === null || x.cpuCores === undefined ? "-" : x.cpuCores.toFixed(2)}${x.bound ? ` ${x.bound}` : ""}`,
          x.queueDepth === null ? "-" : `${Math.round(x.queueDepth)}/${x.queueCapacity ?? "?"}`,
          x.errors === null ? "-" : String(Math.round(x.errors)),
        ]),
      ),
      "",
    );
  }
  const b = r.bottleneck;
  if (!b) {
    lines.push(c.green("✓ No bottleneck: the pipeline keeps up with its sources."));
  } else {
    const what = b.kind === "edge" ? `edge ${b.edge!.from} → ${b.edge!.to}` : b.kind === "host" ? `the host (${b.cpus ?? "?"} cores, ${b.busyCores?.toFixed(1) ?? "?"} busy)` : `component ${b.component}`;
    lines.push(c.red(c.bold(`✗ Bottleneck: ${what}`)), `  ${b.reason}`, "", c.bold("Evidence"));
    for (const e of b.evidence) lines.push(`  - ${e}`);
    lines.push("", c.bold("Recommendations"));
    b.recommendations.forEach((x, i) => lines.push(`  ${i + 1}. ${x}`));
  }
  const others = r.findings.filter((f) => !f.code.startsWith("BOTTLENECK") && f.code !== "KEEPS_UP");
  if (others.length) {
    lines.push("", c.bold("Findings"));
    for (const f of others) {
      const sev = f.severity === "critical" ? c.red(f.severity) : f.severity === "warning" ? c.yellow(f.severity) : f.severity;
      lines.push(`  [${sev}] ${f.code}: ${f.message}`);
    }
  }
  if (r.comparison) {
    lines.push("", c.bold(`Since run ${r.comparison.previousRunId.slice(0, 8)} (the previous run of ${r.pipeline})`));
    for (const ch of r.comparison.changes) lines.push(`  - ${ch.message}`);
  }
  if (o.timeline.length) {
    lines.push("", c.bold("Timeline"));
    for (const t of o.timeline.slice(-20)) lines.push(`  ${t.at.toISOString().slice(11, 19)} ${t.state === "cleared" ? c.dim(t.message.startsWith("cleared: ") ? t.message : `cleared: ${t.message}`) : t.message}`);
  }
  if (o.database !== undefined) {
    lines.push("", o.database ? c.dim(`run ${o.runId} is recorded in ${o.database}: \`flowctl diagnose ${o.runId.slice(0, 8)}\` reads it again`) : c.dim(`run ${o.runId} was not kept (--no-persistence)`));
  }
  return lines.join("\n") + "\n";
}
