"use client";
/** Run history with its filters in the URL (`?pipeline=&status=`), polled while open. */
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { apiGet } from "@/components/api/api-client";
import { Banner, Card } from "@/components/ui/ui";
import type { RunListItem } from "@/server/services/api-types";
import { RunTable } from "./run-table";

const STATUSES = ["RUNNING", "STARTING", "COMPLETED", "FAILED", "STOPPED", "INTERRUPTED"];

export function RunsBrowser({ initial, pipelines }: { initial: RunListItem[]; pipelines: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const pipeline = params.get("pipeline") ?? "";
  const status = params.get("status") ?? "";
  const query = new URLSearchParams({ ...(pipeline ? { pipeline } : {}), ...(status ? { status } : {}), limit: "100" });
  const q = useQuery({
    queryKey: ["runs", pipeline, status],
    queryFn: ({ signal }) => apiGet<RunListItem[]>(`/api/runs?${query}`, signal),
    initialData: initial,
    refetchInterval: 3_000,
  });
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    router.replace(`${pathname}${next.size ? `?${next}` : ""}`);
  };
  return (
    <Card
      title="History"
      actions={
        <>
          <label className="muted" style={{ fontSize: 12.5 }}>
            pipeline{" "}
            <select value={pipeline} onChange={(e) => set("pipeline", e.target.value)} aria-label="Filter by pipeline" style={{ height: 28 }}>
              <option value="">all</option>
              {pipelines.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </label>
          <label className="muted" style={{ fontSize: 12.5 }}>
            status{" "}
            <select value={status} onChange={(e) => set("status", e.target.value)} aria-label="Filter by status" style={{ height: 28 }}>
              <option value="">all</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s.toLowerCase()}
                </option>
              ))}
            </select>
          </label>
        </>
      }
      bodyClassName=""
    >
      {q.isError && <Banner tone="bad">{(q.error as Error).message}</Banner>}
      <RunTable runs={q.data} />
    </Card>
  );
}
