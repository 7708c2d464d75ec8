"use client";
/** Start / stop buttons of a pipeline, as mutations that refresh the lists they change. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ApiError, apiSend } from "@/components/api/api-client";
import { Button } from "@/components/ui/ui";
import type { RunListItem } from "@/server/services/api-types";

export function RunControls({ pipeline, activeRunId, size = "small", openAfterStart = false }: { pipeline: string; activeRunId: string | null; size?: "small" | "normal"; openAfterStart?: boolean }) {
  const qc = useQueryClient();
  const router = useRouter();
  const refresh = () => {
    void qc.invalidateQueries();
    router.refresh();
  };
  const start = useMutation({
    mutationFn: () => apiSend<{ runId: string }>("POST", `/api/pipelines/${encodeURIComponent(pipeline)}/runs`, {}),
    onSuccess: (r) => {
      refresh();
      if (openAfterStart) router.push(`/runs/${r.runId}`);
    },
  });
  const stop = useMutation({
    mutationFn: (runId: string) => apiSend<RunListItem>("POST", `/api/runs/${runId}/stop`),
    onSuccess: refresh,
  });
  const error = (start.error ?? stop.error) as ApiError | null;
  return (
    <span style={{ display: "inline-flex", gap: 8, alignItems: "center" }}>
      {activeRunId ? (
        <Button size={size} variant="danger" disabled={stop.isPending} onClick={() => stop.mutate(activeRunId)} aria-label={`Stop ${pipeline}`}>
          {stop.isPending ? "Stopping…" : "Stop"}
        </Button>
      ) : (
        <Button size={size} variant="primary" disabled={start.isPending} onClick={() => start.mutate()} aria-label={`Start ${pipeline}`}>
          {start.isPending ? "Starting…" : "Start"}
        </Button>
      )}
      {error && (
        <span role="alert" style={{ color: "var(--bad)", fontSize: 12, maxWidth: 320 }}>
          {error.message}
        </span>
      )}
    </span>
  );
}
