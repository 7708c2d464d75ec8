/**
 * The pipeline spec module: schema, validation, loading/compiling, JSON Schema, built-ins.
 * Import from here (`server/core/spec`) rather than from the individual files.
 */
export * from "./pipeline-spec.schema";
export * from "./diagnostics";
export * from "./diagnostic-codes";
export { pipelineJsonSchema, PIPELINE_SCHEMA_ID } from "./spec.json-schema";
export * from "./compile";
export * from "./builtins";
export { validate, analyzePipeline, sortDiagnostics, type ValidateOptions, type PipelineAnalysis } from "./validate";
export { loadPipeline, type LoadedPipeline } from "./load-pipeline";
export { formatPath, type DocPath, type SourcePosition } from "./yaml-source";
