/**
 * `validate(yamlText, {file})`: every problem in a pipeline file at once, each positioned on
 * its YAML node. Never throws on any input — bad input is a diagnostic, not an exception.
 */
import type { Diagnostic } from "./diagnostics";
import { pipelineSpecSchema, type PipelineSpec } from "./pipeline-spec.schema";
import { PIPELINE_RULES } from "./rules/index";
import { createRuleContext, isRecord } from "./rules/rule-context";
import { unknownKeyDiagnostics } from "./schema-keys";
import { YamlSource, YamlValueError } from "./yaml-source";
import { zodDiagnostics } from "./zod-diagnostics";

/** Options of {@link validate} and {@link analyzePipeline}. */
export interface ValidateOptions {
  /** File name stamped on every diagnostic (positions are `file:line:col`). */
  file?: string;
}

/** What one analysis pass yields: diagnostics plus the parsed spec when the schema accepted it. */
export interface PipelineAnalysis {
  diagnostics: Diagnostic[];
  /** Present when the document matched the schema (semantic rules may still have found errors). */
  spec?: PipelineSpec;
}

const SEVERITY_ORDER = { error: 0, warning: 1, hint: 2 } as const;

/** Diagnostics in reading order: by line, then column, errors before warnings before hints. */
export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return diags.sort((a, b) => a.line - b.line || a.column - b.column || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** Runs every check and also returns the parsed spec, for {@link loadPipeline}. */
export function analyzePipeline(yamlText: string, opts: ValidateOptions = {}): PipelineAnalysis {
  const result = analyze(yamlText);
  const stamped = result.diagnostics.map((d) => (opts.file !== undefined ? { ...d, file: opts.file } : d));
  return { ...result, diagnostics: sortDiagnostics(stamped) };
}

/**
 * Validates a pipeline file's text. Returns every error, warning and hint (empty when the
 * pipeline is clean); positions are 1-based and always ≥ 1.
 *
 * @example
 * const diags = validate(readFileSync("flow.yml", "utf8"), { file: "flow.yml" });
 * if (hasErrors(diags)) process.exitCode = 1;
 */
export function validate(yamlText: string, opts: ValidateOptions = {}): Diagnostic[] {
  return analyzePipeline(yamlText, opts).diagnostics;
}

function analyze(yamlText: string): PipelineAnalysis {
  const src = new YamlSource(yamlText);
  const diagnostics = src.syntaxDiagnostics();
  // A syntax error leaves the structure unreliable: schema checks on it would mostly report
  // consequences of the same typo (a duplicate key even makes the value and its position disagree).
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };

  let raw: unknown;
  try {
    raw = src.toJS();
  } catch (err) {
    if (!(err instanceof YamlValueError)) throw err;
    const pos = src.positionOf([]);
    diagnostics.push({ severity: "error", code: "yaml.syntax", message: `YAML: ${err.message}`, path: "", ...toLineCol(pos) });
    return { diagnostics };
  }
  if (raw === undefined || raw === null) {
    const pos = src.positionOf([]);
    diagnostics.push({
      severity: "error",
      code: "document.empty",
      message: "the pipeline file is empty",
      path: "",
      ...toLineCol(pos),
      fix: "start from `flowctl schema` or docs/pipeline-spec.md: apiVersion: flowctl/v1, kind: Pipeline, metadata, spec",
    });
    return { diagnostics };
  }
  if (!isRecord(raw)) {
    const pos = src.positionOf([]);
    diagnostics.push({
      severity: "error",
      code: "document.not-a-mapping",
      message: `the pipeline file must be a YAML mapping (apiVersion, kind, metadata, spec), got ${Array.isArray(raw) ? "a list" : "a single value"}`,
      path: "",
      ...toLineCol(pos),
      fix: "write the pipeline as `key: value` pairs starting with `apiVersion: flowctl/v1`",
    });
    return { diagnostics };
  }

  const parsed = pipelineSpecSchema.safeParse(raw);
  if (!parsed.success) diagnostics.push(...zodDiagnostics(parsed.error.issues, raw, src));
  diagnostics.push(...unknownKeyDiagnostics(src, pipelineSpecSchema));
  const ctx = createRuleContext(src, raw, diagnostics);
  for (const rule of PIPELINE_RULES) rule(ctx);
  return parsed.success ? { diagnostics, spec: parsed.data } : { diagnostics };
}

function toLineCol(pos: { line: number; column: number }): { line: number; column: number } {
  return { line: pos.line, column: pos.column };
}
