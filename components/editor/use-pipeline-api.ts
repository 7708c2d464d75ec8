"use client";
/**
 * The editor's calls to the console API: the pipeline's versions and run state (polled), saving a
 * version with its layout, starting or redeploying the saved version, and the last run's
 * measurements for the what-if.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, apiGet, apiSend } from "@/components/api/api-client";
import type { EditorLayout } from "@/server/core/editor/layout-model";
import type { PipelineDetail, PipelineVersionDetail, RedeployResult, RunMeasurementsItem, SavedVersionItem } from "@/server/services/api-types";

const path = (name: string) => `/api/pipelines/${encodeURIComponent(name)}`;

/** Versions and the run in progress of a saved pipeline (none for a new one). */
export function usePipelineDetail(name: string | null) {
  return useQuery({
    queryKey: ["pipeline", name],
    queryFn: ({ signal }) => apiGet<PipelineDetail>(path(name!), signal),
    enabled: name !== null,
    refetchInterval: 5_000,
  });
}

/** The what-if basis (null: no run measured anything yet). */
export function useMeasurements(name: string | null) {
  return useQuery({
    queryKey: ["measurements", name],
    queryFn: ({ signal }) => apiGet<RunMeasurementsItem | null>(`${path(name!)}/measurements`, signal),
    enabled: name !== null,
    staleTime: 30_000,
    refetchInterval: 30_000,
  });
}

/** One version with its YAML and layout. */
export function fetchVersion(name: string, id: string): Promise<PipelineVersionDetail> {
  return apiGet<PipelineVersionDetail>(`${path(name)}/versions/${encodeURIComponent(id)}`);
}

/** Whether a pipeline of that name exists (a new pipeline must not take an existing name). */
export async function pipelineExists(name: string): Promise<boolean> {
  try {
    await apiGet<PipelineDetail>(path(name));
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return false;
    throw err;
  }
}

export function useSaveVersion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: string; yaml: string; message: string; layout: EditorLayout }) =>
      apiSend<SavedVersionItem>("PUT", path(v.name), { yaml: v.yaml, layout: v.layout, ...(v.message ? { message: v.message } : {}) }),
    onSuccess: (_r, v) => void qc.invalidateQueries({ queryKey: ["pipeline", v.name] }),
  });
}

/** Starts the saved version, or replaces the run in progress with it. */
export function useStartVersion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: string; versionId: string; redeploy: boolean }) =>
      v.redeploy ? apiSend<RedeployResult>("POST", `${path(v.name)}/redeploy`, { versionId: v.versionId }) : apiSend<{ runId: string }>("POST", `${path(v.name)}/runs`, { versionId: v.versionId }),
    onSuccess: () => void qc.invalidateQueries(),
  });
}
