"use client";
/** The graph of a pipeline version, without live numbers (the pipeline page). */
import { RunGraph } from "@/components/run-graph/run-graph";
import type { PipelineGraph } from "@/server/services/api-types";

export function PipelineGraphView({ graph }: { graph: PipelineGraph }) {
  return <RunGraph graph={graph} store={null} />;
}
