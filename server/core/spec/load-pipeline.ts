/** YAML text → validated, compiled pipeline: the one entry point the engine and CLI load with. */
import { compilePipeline, type CompiledPipeline } from "./compile";
import { hasErrors, type Diagnostic } from "./diagnostics";
import type { PipelineSpec } from "./pipeline-spec.schema";
import { analyzePipeline, type ValidateOptions } from "./validate";

/** Result of {@link loadPipeline}. */
export interface LoadedPipeline {
  /** Present only when there are no error diagnostics. */
  pipeline?: CompiledPipeline;
  /** The parsed spec, whenever the document matched the schema. */
  spec?: PipelineSpec;
  /** Every error, warning and hint (warnings do not prevent loading). */
  diagnostics: Diagnostic[];
}

/**
 * Validates and compiles a pipeline file's text. `pipeline` is set only when validation found no
 * errors, so a caller that has a pipeline can run it without re-checking anything.
 */
export function loadPipeline(yamlText: string, opts: ValidateOptions = {}): LoadedPipeline {
  const { diagnostics, spec } = analyzePipeline(yamlText, opts);
  const loaded: LoadedPipeline = { diagnostics };
  if (spec !== undefined) loaded.spec = spec;
  if (spec !== undefined && !hasErrors(diagnostics)) loaded.pipeline = compilePipeline(spec);
  return loaded;
}
