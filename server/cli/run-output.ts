/**
 * What `flowctl run` prints: the preflight block, one line per run event, periodic status lines
 * with rates and the diagnosis verdict, and the final summary (components, then the per-edge account).
 */
import path from "node:path";
import pc from "picocolors";
import type { CompiledPipeline } from "../core/spec/compile";
import { formatDuration } from "../core/units";
import type { ComponentSummary, EngineEvent, RunHandle, RunSummary } from "../engine/run-pipeline";
import { formatTable } from "./output";
import { renderEdgeAccount } from "./render-account";

/** Writes one line to stdout (a closed terminal is handled by the process guards). */
export const out = (line = "") => process.stdout.write(line + "\n");

/** The block printed once the run is recorded: what runs where, and where to look. */
export function printPreflight(p: {
  file: string;
  pipeline: CompiledPipeline;
  handle: RunHandle;
  controlPlane: string;
  database: string;
  logDir: string | undefined;
  metricsUrl: string | undefined;
  forMs: number | undefined;
  /** Attach mode: the control plane endpoint components must be given. */
  attachEndpoint?: string | undefined;
}): void {
  const { pipeline, handle: h } = p;
  const edges = pipeline.components.reduce((a, c) => a + c.inputs.length, 0);
  out(pc.bold(`flowctl run ${p.file}`));
  out(`  pipeline      ${pipeline.name} (${pipeline.components.length} components, ${edges} edges)`);
  out(`  components    ${pipeline.components.map((c) => `${c.id} (${c.role}${c.replicas > 1 ? ` ×${c.replicas}` : ""})`).join(", ")}`);
  out(`  run id        ${h.runId}`);
  out(`  control plane ${p.controlPlane}`);
  out(`  database      ${p.database}`);
  out(`  logs          ${path.resolve(p.logDir ?? path.join(".flowctl", "logs"), h.runId)}`);
  if (p.metricsUrl) out(`  metrics       ${p.metricsUrl}`);
  if (p.forMs !== undefined) out(`  stops after   ${formatDuration(p.forMs)}`);
  if (p.attachEndpoint) {
    out(`  attach        starting nothing; waiting for ${pipeline.components.flatMap((c) => (c.replicas > 1 ? Array.from({ length: c.replicas }, (_, i) => `${c.id}-${i}`) : [c.id])).join(", ")} to register`);
    // A wildcard listen address is not something a component can dial: name the placeholder.
    const dial = p.attachEndpoint.replace(/^(0\.0\.0\.0|\[?::\]?):/, "<this machine's address>:");
    out(`                start each with FLOWCTL_ENDPOINT=${dial} FLOWCTL_COMPONENT_ID=<id>${process.env.FLOWCTL_TOKEN ? " FLOWCTL_TOKEN=<the run's token>" : ""} (docs/deploy.md)`);
  }
  out();
}

export function formatEvent(e: EngineEvent): string {
  const t = pc.dim(e.at.toTimeString().slice(0, 8));
  const who = e.componentId ? pc.bold(e.componentId) + " " : "";
  const mark =
    e.type === "component.registered" || e.type === "component.healthy"
      ? pc.green("✓")
      : (e.type === "component.exited" && !(e.data?.expected === true && e.data?.code === 0)) ||
          e.type === "component.unhealthy" ||
          e.type === "edge.reconnected" ||
          e.type === "edge.stream_failed" ||
          e.type === "component.registration_refused" ||
          e.type === "component.gone" ||
          e.type === "component.log_failed"
        ? pc.yellow("!")
        : e.type === "component.crash_loop" || e.type === "edge.event_rejected" || e.type === "edge.protocol_error"
          ? pc.red("✗")
          : pc.cyan("•");
  // The reason of a failed run is the summary's last line; printed here too, it appeared twice.
  if (e.type === "run.status" && e.data?.status === "FAILED") return `${t} ${pc.red("✗")} run FAILED`;
  return `${t} ${mark} ${who}${e.message.startsWith(e.componentId ?? "\u0000") ? e.message.slice((e.componentId ?? "").length).trimStart() : e.message}`;
}

/** Periodic status: per component in/out rates since the previous line, then the diagnosis verdict. */
export function startStatusLines(h: RunHandle, everyMs: number, verdict: () => string): NodeJS.Timeout {
  let prev = new Map<string, ComponentSummary>();
  let prevAt = Date.now();
  const timer = setInterval(() => {
    if (h.state !== "running") return;
    const now = Date.now();
    const secs = Math.max(0.001, (now - prevAt) / 1000);
    const current = h.snapshot();
    const parts = current.map((c) => {
      const p = prev.get(c.id);
      const inRate = (c.eventsIn - (p?.eventsIn ?? 0)) / secs;
      const outRate = (c.eventsOut - (p?.eventsOut ?? 0)) / secs;
      const rate = c.role === "source" ? `out ${fmtRate(outRate)}` : c.role === "sink" ? `in ${fmtRate(inRate)}` : `in ${fmtRate(inRate)} out ${fmtRate(outRate)}`;
      const extra = [c.queueDepth ? `queue ${c.queueDepth}` : "", c.restarts ? `restarts ${c.restarts}` : "", c.dropped ? `dropped ${c.dropped}` : ""].filter(Boolean).join(" ");
      return `${c.id} ${rate}${extra ? " " + extra : ""}`;
    });
    const v = verdict();
    const shown = v === "keeps up" ? pc.green(v) : v.startsWith("bottleneck") ? pc.yellow(v) : pc.dim(v);
    out(`${pc.dim(new Date().toTimeString().slice(0, 8))} ${pc.cyan("status")} ${parts.join(pc.dim(" | "))} ${pc.dim("—")} ${shown}`);
    prev = new Map(current.map((c) => [c.id, c]));
    prevAt = now;
  }, everyMs);
  timer.unref();
  return timer;
}

function fmtRate(r: number): string {
  if (r >= 1_000_000) return `${(r / 1_000_000).toFixed(1)}M/s`;
  if (r >= 1_000) return `${(r / 1_000).toFixed(1)}k/s`;
  return `${Math.round(r)}/s`;
}

/** The final report: one row per component, then the status line. */
export function renderSummary(s: RunSummary): string {
  const rows = s.components.map((c) => [
    c.id,
    c.role,
    String(c.eventsIn),
    String(c.eventsOut),
    String(c.errors),
    String(c.restarts),
    String(c.lost),
    String(c.redelivered),
    String(c.dropped),
  ]);
  const headers = ["COMPONENT", "ROLE", "IN", "OUT", "ERRORS", "RESTARTS", "LOST", "REDELIVERED", "DROPPED"];
  // flowctl's per-sink type filter: only shown when it filtered something.
  if (s.components.some((c) => c.filtered > 0)) {
    headers.push("FILTERED");
    rows.forEach((r, i) => r.push(String(s.components[i]!.filtered)));
  }
  // Data-plane trouble is never silent: shown whenever a stream failed or an event was rejected.
  if (s.components.some((c) => c.streamErrors > 0 || c.rejected > 0)) {
    headers.push("STREAM ERRORS", "REJECTED");
    rows.forEach((r, i) => r.push(String(s.components[i]!.streamErrors), String(s.components[i]!.rejected)));
  }
  const table = formatTable(headers, rows);
  const account = renderEdgeAccount(s.edges);
  const colour = s.status === "FAILED" ? pc.red : s.status === "COMPLETED" ? pc.green : pc.yellow;
  const lines = [
    pc.bold("Summary"),
    table,
    ...(account ? ["", account] : []),
    "",
    `${colour(`run ${s.status}`)} after ${formatDuration(s.durationMs)} — ${sinkRates(s)}`,
  ];
  if (s.error) lines.push(pc.red(`reason: ${s.error}`));
  lines.push(pc.dim(`logs: ${s.logDir}`));
  return lines.join("\n");
}

/**
 * Each sink's count and rate over the time events moved (RUNNING until drained): fan-out sinks are
 * not added together, and start-up and shutdown do not dilute the rate.
 */
export function sinkRates(s: Pick<RunSummary, "runningMs" | "components">): string {
  if (s.runningMs <= 0) return "it never ran (no events moved)";
  const secs = s.runningMs / 1000;
  const sinks = s.components.filter((c) => c.role === "sink").map((c) => `${c.id} ${c.eventsIn} events (${Math.round(c.eventsIn / secs)}/s)`);
  const running = s.runningMs < 60_000 ? `${secs.toFixed(1)}s` : formatDuration(s.runningMs);
  return `${running} running; at the sinks: ${sinks.join(", ")}`;
}

