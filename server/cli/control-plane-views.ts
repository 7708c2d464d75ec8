/**
 * Pure formatting for `flowctl status` and `flowctl pipelines …`, matching the original's output
 * (relative times, durations, event counts, lower-case statuses, role sections).
 */
import pc from "picocolors";
import { runIdOf, type HealthStatus, type RegisteredComponent } from "../core/registry";
import { formatDuration } from "../core/units";
import type { RunView } from "./control-plane-client";
import { formatTable } from "./output";

/** `just now`, `12s ago`, `3m ago`, `2h ago`, `4d ago`; `never` for no time. */
export function formatRelative(at: Date | null, now: Date): string {
  if (!at || at.getTime() <= 0) return "never";
  const s = Math.floor((now.getTime() - at.getTime()) / 1000);
  if (s < 2) return "just now";
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** `950`, `12.3k`, `4.5M`. */
export function formatCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** A run's duration so far (or in total). */
export function runDuration(r: RunView, now: Date): string {
  if (!r.startedAt) return "-";
  return formatDuration((r.endedAt ?? now).getTime() - r.startedAt.getTime());
}

export type PipelineHealth = "RUNNING" | "STARTING" | "DEGRADED" | "UNHEALTHY" | "NO COMPONENTS";

/** Status view model (also the `-o json` shape of `flowctl status`). */
export interface StatusView {
  pipeline: string | null;
  status: PipelineHealth;
  counts: { total: number; healthy: number; starting: number; degraded: number; unhealthy: number; stopping: number };
  components: {
    id: string;
    serviceId: string;
    /** The run the registration claims (metadata `flowctl_run_id`); null for components outside a run. */
    runId: string | null;
    role: "source" | "processor" | "consumer" | "other";
    status: HealthStatus;
    endpoint: string;
    registeredAt: string;
    lastHeartbeat: string;
    inputEventTypes: string[];
    outputEventTypes: string[];
    metrics: Record<string, string>;
    metadata: Record<string, string>;
  }[];
}

const ROLE = { SOURCE: "source", PROCESSOR: "processor", CONSUMER: "consumer", UNSPECIFIED: "other" } as const;

/** Builds the status view; the worst component status wins. */
export function buildStatusView(components: RegisteredComponent[], pipeline: string | null): StatusView {
  const count = (s: HealthStatus) => components.filter((c) => c.status === s).length;
  const counts = {
    total: components.length,
    healthy: count("HEALTHY"),
    starting: count("STARTING") + count("UNKNOWN"),
    degraded: count("DEGRADED"),
    unhealthy: count("UNHEALTHY"),
    stopping: count("STOPPING"),
  };
  const status: PipelineHealth =
    counts.total === 0 ? "NO COMPONENTS" : counts.unhealthy > 0 ? "UNHEALTHY" : counts.degraded + counts.stopping > 0 ? "DEGRADED" : counts.starting > 0 ? "STARTING" : "RUNNING";
  return {
    pipeline,
    status,
    counts,
    components: components.map((c) => ({
      id: c.info.id,
      serviceId: c.serviceId,
      runId: runIdOf(c.info) ?? null,
      role: ROLE[c.info.type],
      status: c.status,
      endpoint: c.info.endpoint,
      registeredAt: c.registeredAt.toISOString(),
      lastHeartbeat: c.lastHeartbeat.toISOString(),
      inputEventTypes: c.info.inputEventTypes,
      outputEventTypes: c.info.outputEventTypes,
      metrics: c.metrics,
      metadata: c.info.metadata,
    })),
  };
}

const STATUS_COLOR: Record<PipelineHealth, (s: string) => string> = { RUNNING: pc.green, STARTING: pc.cyan, DEGRADED: pc.yellow, UNHEALTHY: pc.red, "NO COMPONENTS": pc.dim };
const HEALTH_COLOR: Partial<Record<HealthStatus, (s: string) => string>> = { HEALTHY: pc.green, STARTING: pc.cyan, DEGRADED: pc.yellow, UNHEALTHY: pc.red, STOPPING: pc.dim };

/** The original's status report: header, counts, then SOURCES / PROCESSORS / CONSUMERS sections. */
export function renderStatus(view: StatusView, now: Date): string {
  const c = view.counts;
  const lines = [
    view.pipeline ? `Pipeline: ${view.pipeline}` : "Pipeline Status",
    `Status: ${STATUS_COLOR[view.status](view.status)}`,
    `Components: ${c.total} total (${c.healthy} healthy, ${c.starting} starting, ${c.degraded} degraded, ${c.unhealthy} unhealthy${c.stopping ? `, ${c.stopping} stopping` : ""})`,
  ];
  const sections: [string, StatusView["components"][number]["role"]][] = [["SOURCES", "source"], ["PROCESSORS", "processor"], ["CONSUMERS", "consumer"], ["OTHER", "other"]];
  for (const [title, role] of sections) {
    const group = view.components.filter((x) => x.role === role);
    if (group.length === 0) continue;
    lines.push("", `${title} (${group.length})`);
    for (const x of group) {
      const color = HEALTH_COLOR[x.status] ?? ((s: string) => s);
      // Several runs may each have a component of this id: say which run this one belongs to.
      lines.push(`  ${x.id} (${color(`HEALTH_STATUS_${x.status}`)})${x.runId ? ` ${pc.dim(`run ${x.runId.slice(0, 8)}`)}` : ""}`);
      lines.push(`    Endpoint: ${x.endpoint || "-"}`);
      lines.push(`    Uptime: ${formatDuration(now.getTime() - new Date(x.registeredAt).getTime())}`);
      lines.push(`    Last heartbeat: ${formatRelative(new Date(x.lastHeartbeat), now)}`);
      if (x.inputEventTypes.length) lines.push(`    Input types: ${x.inputEventTypes.join(", ")}`);
      if (x.outputEventTypes.length) lines.push(`    Output types: ${x.outputEventTypes.join(", ")}`);
      const keys = Object.keys(x.metrics).sort();
      if (keys.length) {
        lines.push("    Metrics:");
        for (const k of keys) lines.push(`      ${k}: ${x.metrics[k]}`);
      }
    }
  }
  if (view.components.length === 0) lines.push("", "No components registered.");
  return lines.join("\n");
}

/** `pipelines list`: one row per pipeline name from its runs (newest first). */
export function summarizePipelines(runs: RunView[]): { name: string; lastRun: Date | null; status: string; runs: number }[] {
  const by = new Map<string, { name: string; lastRun: Date | null; status: string; runs: number }>();
  for (const r of runs) {
    const cur = by.get(r.pipelineName);
    if (!cur) by.set(r.pipelineName, { name: r.pipelineName, lastRun: r.startedAt, status: r.status, runs: 1 });
    else cur.runs += 1;
  }
  return [...by.values()].sort((a, b) => (b.lastRun?.getTime() ?? 0) - (a.lastRun?.getTime() ?? 0));
}

export function renderPipelineList(rows: ReturnType<typeof summarizePipelines>, now: Date): string {
  if (rows.length === 0) return "No pipelines found";
  const table = formatTable(["NAME", "LAST RUN", "STATUS", "RUNS"], rows.map((r) => [r.name, formatRelative(r.lastRun, now), r.status, String(r.runs)]));
  return `${table}\n\n${rows.length} pipeline(s) found`;
}

export function renderRuns(runs: RunView[], now: Date): string {
  if (runs.length === 0) return "No runs found";
  return formatTable(["RUN ID", "STATUS", "STARTED", "DURATION", "EVENTS"], runs.map((r) => [r.runId.slice(0, 8), r.status, formatRelative(r.startedAt, now), runDuration(r, now), formatCount(r.eventsProcessed)]));
}

export function renderActive(runs: RunView[], now: Date): string {
  if (runs.length === 0) return "No active pipeline runs";
  const table = formatTable(
    ["RUN ID", "PIPELINE", "STARTED", "DURATION", "EVENTS", "STATUS"],
    runs.map((r) => [r.runId.slice(0, 8), r.pipelineName, formatRelative(r.startedAt, now), runDuration(r, now), formatCount(r.eventsProcessed), r.status]),
  );
  return `${table}\n\n${runs.length} active pipeline run(s)`;
}

export function renderRunInfo(r: RunView, now: Date): string {
  const lines = [
    `Run ID:     ${r.runId}`,
    `Pipeline:   ${r.pipelineName}`,
    `Status:     ${r.status}`,
    `Started:    ${r.startedAt ? `${r.startedAt.toISOString()} (${formatRelative(r.startedAt, now)})` : "-"}`,
    `Duration:   ${runDuration(r, now)}`,
    `Events:     ${formatCount(r.eventsProcessed)}`,
  ];
  if (r.eventsPerSecond > 0) lines.push(`Throughput: ${r.eventsPerSecond.toFixed(1)} events/s`);
  if (r.componentIds.length) lines.push("Components:", ...r.componentIds.map((id) => `  - ${id}`));
  if (r.error) lines.push(`Error:      ${r.error}`);
  return lines.join("\n");
}

/** JSON/YAML shape of a run (dates as ISO strings). */
export function runToData(r: RunView) {
  return { ...r, startedAt: r.startedAt?.toISOString() ?? null, endedAt: r.endedAt?.toISOString() ?? null };
}
