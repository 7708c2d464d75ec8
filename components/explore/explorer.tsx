"use client";
/**
 * The metrics explorer: a PromQL query over the console's Prometheus API, charted over a range and
 * listed at its end. The query and range live in the URL, so an exploration can be shared.
 */
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { PromChart } from "@/components/charts/prom-chart";
import chartStyles from "@/components/charts/charts.module.css";
import type { PromResponse } from "@/components/charts/prom-series";
import { Banner, Button, Card, EmptyState } from "@/components/ui/ui";
import { PromQLEditor } from "./promql-editor";

const RANGES = [
  { label: "5 min", ms: 5 * 60_000 },
  { label: "15 min", ms: 15 * 60_000 },
  { label: "1 h", ms: 3600_000 },
  { label: "6 h", ms: 6 * 3600_000 },
];

const EXAMPLES = [
  "sum by (component_id) (rate(component_events_processed_total[30s]))",
  'histogram_quantile(0.99, sum by (component_id, le) (rate(component_processing_duration_seconds_bucket[30s])))',
  "flowctl_edge_queue_depth / flowctl_edge_queue_capacity",
  "sum by (pipeline) (rate(flowctl_edge_blocked_seconds_total[1m]))",
];

type InstantRow = { metric: Record<string, string>; value: [number, string] };

export function Explorer() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const query = params.get("q") ?? "";
  const rangeMs = Number(params.get("range") ?? RANGES[0]!.ms);
  const [draft, setDraft] = useState(query);
  const [now, setNow] = useState(() => Date.now());
  const run = (q: string, range = rangeMs) => {
    setNow(Date.now());
    router.replace(`${pathname}?${new URLSearchParams({ q, range: String(range) })}`);
  };
  const instant = useQuery({
    queryKey: ["instant", query, now],
    enabled: query.trim() !== "",
    queryFn: async ({ signal }) => {
      const res = await fetch(`/api/v1/query?${new URLSearchParams({ query, time: String(now / 1000) })}`, { signal });
      const body = (await res.json()) as PromResponse;
      if (body.status !== "success" || !body.data) throw new Error(body.error ?? `HTTP ${res.status}`);
      return body.data;
    },
  });
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: 18 }}>
      <Card>
        <div style={{ display: "flex", gap: 10, alignItems: "flex-start" }}>
          <div style={{ flex: 1, minWidth: 0 }}>
            <PromQLEditor value={query} onChange={setDraft} onSubmit={(q) => run(q)} />
          </div>
          <Button variant="primary" onClick={() => run(draft)} data-testid="run-query">
            Run query
          </Button>
        </div>
        <div style={{ display: "flex", gap: 12, marginTop: 10, alignItems: "center", flexWrap: "wrap" }}>
          <div className={chartStyles.ranges} role="group" aria-label="Range">
            {RANGES.map((r) => (
              <button key={r.label} type="button" aria-pressed={r.ms === rangeMs} onClick={() => run(query, r.ms)}>
                {r.label}
              </button>
            ))}
          </div>
          <span className="muted" style={{ fontSize: 12.5 }}>
            Enter runs the query · the same API Grafana uses: <code suppressHydrationWarning>{typeof window === "undefined" ? "" : window.location.origin}</code> as a Prometheus data source
          </span>
        </div>
      </Card>
      {!query ? (
        <Card title="Try one of these">
          <ul style={{ margin: 0, paddingLeft: 18, lineHeight: 2 }}>
            {EXAMPLES.map((e) => (
              <li key={e}>
                <a
                  href="#"
                  onClick={(ev) => {
                    ev.preventDefault();
                    setDraft(e);
                    run(e);
                  }}
                  className="mono"
                >
                  {e}
                </a>
              </li>
            ))}
          </ul>
        </Card>
      ) : (
        <>
          <Card>
            <PromChart key={`${query}-${rangeMs}-${now}`} title="Result over time" queries={[{ expr: query }]} maxSeries={20} range={{ startMs: now - rangeMs, endMs: now }} />
          </Card>
          <Card title={`Value at ${new Date(now).toLocaleTimeString("en-GB")}`} bodyClassName="">
            {instant.isError ? (
              <Banner tone="bad">{(instant.error as Error).message}</Banner>
            ) : instant.data?.resultType === "vector" ? (
              (instant.data.result as InstantRow[]).length === 0 ? (
                <EmptyState title="No series match" />
              ) : (
                <table data-testid="instant-table">
                  <thead>
                    <tr>
                      <th>series</th>
                      <th className="num">value</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(instant.data.result as InstantRow[]).map((r, i) => (
                      <tr key={i}>
                        <td className="mono" style={{ fontSize: 12 }}>
                          {r.metric.__name__ ?? ""}
                          {"{"}
                          {Object.entries(r.metric)
                            .filter(([k]) => k !== "__name__")
                            .map(([k, v]) => `${k}="${v}"`)
                            .join(", ")}
                          {"}"}
                        </td>
                        <td className="num mono">{r.value[1]}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            ) : instant.data?.resultType === "scalar" ? (
              <div style={{ padding: 16 }} className="mono">
                {(instant.data.result as [number, string])[1]}
              </div>
            ) : (
              <div style={{ padding: 16 }} className="muted">
                {instant.isLoading ? "Loading…" : ""}
              </div>
            )}
          </Card>
        </>
      )}
    </div>
  );
}
