/**
 * flowctl component SDK (`flowctl/sdk`): define a source, processor or sink in a few lines; it
 * serves the flowctl.v1 and batched wires, registers with the control plane, exposes Prometheus
 * metrics and health endpoints, and drains on SIGTERM. See docs/sdk.md.
 */
export { defineProcessor, defineSink, defineSource, type Runnable } from "./define";
export { createEvent, eventTimeMs, payloadJson, payloadText, wallNowMs, withEvent, type CreateEventOptions } from "./event";
export { runComponent, startComponent, type ComponentState, type RunningComponent, type StartComponentOptions } from "./run-component";
export { compileRuntimeConfig, ComponentConfigError, parseComponentEnv, type CompiledRuntimeConfig } from "./config";
export { ComponentMetrics, DURATION_BUCKETS } from "./metrics";
export type {
  ComponentContext,
  ComponentDefinition,
  ComponentRole,
  FlowEvent,
  FlowTimestamp,
  ProcessorDefinition,
  ProcessResult,
  SinkBatchOptions,
  SinkDefinition,
  SourceDefinition,
  SourceOutput,
  SourceRequest,
  UserMetrics,
} from "./types";
