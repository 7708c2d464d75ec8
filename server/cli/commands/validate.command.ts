/**
 * `flowctl validate [file] [--json]`: every problem in a pipeline file, flowctl-style.
 * Exit 1 when there are errors (warnings and hints alone exit 0).
 */
import type { Command } from "commander";
import pc from "picocolors";
import { z } from "zod";
import { hasErrors, loadPipeline, type Diagnostic } from "../../core/spec/index";
import { cliContext, parseFlags } from "../context";
import { DEFAULT_PIPELINE_FILE, readPipelineFile } from "../pipeline-file";
import { formatDiagnostics, summarizeDiagnostics } from "../render-diagnostics";

const validateFlagsSchema = z.object({
  json: z.boolean().default(false),
});

/** The human report: `✓ Pipeline validation passed` / `✗ … N error(s)` and one block per diagnostic. */
export function renderValidationReport(diags: readonly Diagnostic[], componentCount: number | undefined, opts: { color?: boolean } = {}): string {
  const color = opts.color ?? pc.isColorSupported;
  const errors = diags.filter((d) => d.severity === "error").length;
  const out: string[] = [];
  if (errors === 0) {
    out.push(color ? pc.green("✓ Pipeline validation passed") : "✓ Pipeline validation passed");
    if (componentCount !== undefined) out.push(`  ${componentCount} component${componentCount === 1 ? "" : "s"} total`);
  } else {
    out.push(color ? pc.red(`✗ Pipeline validation failed with ${errors} error(s)`) : `✗ Pipeline validation failed with ${errors} error(s)`);
  }
  if (diags.length > 0) out.push("", formatDiagnostics(diags, { color }), "", summarizeDiagnostics(diags));
  return out.join("\n") + "\n";
}

/** Registers `flowctl validate`. */
export function registerValidateCommand(program: Command): void {
  program
    .command("validate")
    .description("validate a pipeline file and report every problem at once (exit 1 on errors)")
    .argument("[file]", "pipeline YAML file (- for stdin)", DEFAULT_PIPELINE_FILE)
    .option("--json", "print the diagnostics array as JSON on stdout", false)
    .action(async (file: string, rawFlags: unknown, cmd: Command) => {
      const { logger } = cliContext(cmd);
      const flags = parseFlags(validateFlagsSchema, rawFlags);
      const source = await readPipelineFile(file);
      const { diagnostics, pipeline, spec } = loadPipeline(source.text, { file: source.file });
      logger.debug("validated pipeline", { file: source.file, diagnostics: diagnostics.length });
      if (flags.json) {
        process.stdout.write(JSON.stringify(diagnostics, null, 2) + "\n");
      } else {
        const count = pipeline?.components.length ?? (spec ? countComponents(spec.spec) : undefined);
        process.stdout.write(renderValidationReport(diagnostics, count));
      }
      if (hasErrors(diagnostics)) process.exitCode = 1;
    });
}

function countComponents(s: { sources?: unknown[]; processors?: unknown[]; sinks?: unknown[] }): number {
  return (s.sources?.length ?? 0) + (s.processors?.length ?? 0) + (s.sinks?.length ?? 0);
}
