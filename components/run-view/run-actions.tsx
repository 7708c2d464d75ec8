"use client";
/** Stop and run-again buttons of a run. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { apiSend, type ApiError } from "@/components/api/api-client";
import { Button } from "@/components/ui/ui";
import type { RunListItem } from "@/server/services/api-types";

export function RunActions({ runId, live, canRestart }: { runId: string; live: boolean; canRestart: boolean }) {
  const router = useRouter();
  const qc = useQueryClient();
  const stop = useMutation({
    mutationFn: () => apiSend<RunListItem>("POST", `/api/runs/${runId}/stop`),
    onSuccess: () => {
      void qc.invalidateQueries();
      router.refresh();
    },
  });
  const restart = useMutation({
    mutationFn: () => apiSend<{ runId: string }>("POST", `/api/runs/${runId}/restart`),
    onSuccess: (r) => {
      void qc.invalidateQueries();
      router.push(`/runs/${r.runId}`);
    },
  });
  const error = (stop.error ?? restart.error) as ApiError | null;
  return (
    <>
      {error && (
        <span role="alert" style={{ color: "var(--bad)", fontSize: 12.5, maxWidth: 360 }}>
          {error.message}
        </span>
      )}
      {live && (
        <Button variant="danger" onClick={() => stop.mutate()} disabled={stop.isPending} data-testid="stop-run">
          {stop.isPending ? "Stopping…" : "Stop run"}
        </Button>
      )}
      {canRestart && (
        <Button variant={live ? "default" : "primary"} onClick={() => restart.mutate()} disabled={restart.isPending} data-testid="restart-run">
          {restart.isPending ? "Starting…" : live ? "Restart" : "Run again"}
        </Button>
      )}
    </>
  );
}
