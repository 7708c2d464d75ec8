"use client";
/** The control plane's registry, live (polled): health, endpoint, heartbeat, run, event types. */
import { TimeAgo } from "@/components/ui/time-ago";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { apiGet } from "@/components/api/api-client";
import { Banner, Card, EmptyState, Pill } from "@/components/ui/ui";
import type { RegisteredComponentItem } from "@/server/services/api-types";

const band = (s: string) => (s === "HEALTHY" ? "ok" : s === "UNHEALTHY" ? "bad" : s === "STOPPING" ? "idle" : "warn");

export function ComponentRegistryTable({ initial, controlPlane }: { initial: RegisteredComponentItem[]; controlPlane: string }) {
  const q = useQuery({ queryKey: ["components"], queryFn: ({ signal }) => apiGet<RegisteredComponentItem[]>("/api/components", signal), initialData: initial, refetchInterval: 2_000 });
  return (
    <Card bodyClassName="">
      {q.isError && <Banner tone="bad">{(q.error as Error).message}</Banner>}
      {q.data.length === 0 ? (
        <EmptyState title="Nothing registered">
          Components register with the control plane at <code>{controlPlane}</code> (set <code>FLOWCTL_ENDPOINT={controlPlane}</code> for one you start yourself).
        </EmptyState>
      ) : (
        <table data-testid="components-table">
          <thead>
            <tr>
              <th>component</th>
              <th>type</th>
              <th>health</th>
              <th>run</th>
              <th>endpoint</th>
              <th>last heartbeat</th>
              <th>events</th>
              <th>heartbeat metrics</th>
            </tr>
          </thead>
          <tbody>
            {q.data.map((c) => (
              <tr key={c.serviceId} data-component={c.componentId}>
                <td>
                  <b>{c.componentId}</b>
                  <div className="muted" style={{ fontSize: 12 }}>
                    {c.name}
                  </div>
                </td>
                <td>{c.type.toLowerCase()}</td>
                <td>
                  <Pill band={band(c.status)}>{c.status.toLowerCase()}</Pill>
                </td>
                <td>{c.runId ? <Link href={`/runs/${c.runId}`}>{c.pipelineName ?? c.runId.slice(0, 8)}</Link> : <span className="muted">none</span>}</td>
                <td className="mono">{c.endpoint || "—"}</td>
                <td className="muted"><TimeAgo iso={c.lastHeartbeat} /></td>
                <td style={{ fontSize: 12 }}>
                  {c.inputEventTypes.length > 0 && <div>in: {c.inputEventTypes.join(", ")}</div>}
                  {c.outputEventTypes.length > 0 && <div>out: {c.outputEventTypes.join(", ")}</div>}
                  {c.inputEventTypes.length + c.outputEventTypes.length === 0 && <span className="muted">any</span>}
                </td>
                <td className="mono" style={{ fontSize: 11.5, maxWidth: 280 }}>
                  {Object.entries(c.metrics)
                    .slice(0, 4)
                    .map(([k, v]) => `${k}=${v}`)
                    .join("  ") || <span className="muted">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
