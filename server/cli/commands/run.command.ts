/**
 * `flowctl run [file]`: validate, then run a pipeline in the foreground — preflight block, progress
 * lines, the aggregated component output, live status, and a final summary. Exit 0 on COMPLETED or
 * STOPPED, 1 on FAILED. Ctrl-C stops gracefully; Ctrl-C twice forces.
 */
import path from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { z } from "zod";
import { FlowError } from "../../core/errors";
import type { Logger } from "../../core/logger";
import { formatDuration, parseDuration } from "../../core/units";
import { createConsoleSink } from "../../drivers/process/log-stream";
import { ComponentRegistry } from "../../control-plane/registry";
import { runPipeline, type ComponentSummary, type EngineEvent, type RunHandle, type RunSummary } from "../../engine/run-pipeline";
import type { ControlPlaneTlsFiles } from "../../engine/run-types";
import { createEngineMetrics } from "../../metrics/engine-metrics";
import { defaultTargetsFile } from "../../metrics/file-sd";
import type { MetricsHttpServer } from "../../metrics/metrics-http";
import { observeLiveRun, serveEngineMetrics, type LiveObservation } from "../../services/live-run.service";
import { installProcessGuards } from "../../lifecycle/process-guards";
import { ShutdownRegistry } from "../../lifecycle/shutdown-registry";
import { handleSignals } from "../../lifecycle/signals";
import { openStore, type Store } from "../../storage/store";
import { cliContext, parseFlags } from "../context";
import { addTlsClientOptions, resolveTlsClientFlags, tlsClientFlagsShape } from "../control-plane-options";
import { resolveRunControlPlane } from "../run-control-plane";
import { announceControlPlane, formatEndpoint, type DiscoveryRecord } from "../../lifecycle/discovery";
import { formatTable } from "../output";
import { renderEdgeAccount } from "../render-account";
import { DEFAULT_PIPELINE_FILE, loadPipelineFile } from "../pipeline-file";

/** A duration flag (`500ms`, `30s`, `2m`); parseFlags prefixes the flag name to the message. */
const duration = () =>
  z
    .string()
    .transform((s, ctx) => {
      const ms = parseDuration(s);
      if (ms === undefined) ctx.addIssue({ code: "custom", message: `invalid duration ${JSON.stringify(s)} (use e.g. 500ms, 30s, 2m)` });
      return ms ?? 0;
    });

export const runFlagsSchema = z.object({
  // Unset: 8080, or a free port when 8080 is busy (run-control-plane.ts).
  controlPlanePort: z.coerce.number().int().min(0).max(65535).optional(),
  controlPlaneAddress: z.string().min(1).default("127.0.0.1"),
  useExternalControlPlane: z.boolean().default(false),
  dbPath: z.string().min(1).optional(),
  persistence: z.boolean().default(true),
  logDir: z.string().min(1).optional(),
  // Unset: on when stdout is a terminal.
  showStatus: z.boolean().optional(),
  statusInterval: duration().default(5_000),
  heartbeatTtl: duration().default(30_000),
  for: duration().optional(),
  registrationTimeout: duration().default(30_000),
  gracePeriod: duration().default(10_000),
  componentLogs: z.boolean().default(true),
  metricsPort: z.coerce.number().int().min(0).max(65535).optional(),
  // TLS towards an external control plane (same flags and checks as `flowctl status`).
  ...tlsClientFlagsShape,
});
export type RunFlags = z.output<typeof runFlagsSchema>;

/** Adds the run flags (shared with `flowctl start`). */
export function addRunOptions(cmd: Command): Command {
  const withRunOptions = cmd
    .option("--control-plane-port <port>", "embedded control plane port (default 8080, or a free port when 8080 is busy; 0 = any free port)")
    .option("--control-plane-address <address>", "control plane listen address (or the external one)", "127.0.0.1")
    .option("--use-external-control-plane", "components register with a control plane already running at address:port", false)
    .option("--db-path <path>", "SQLite database file (default .flowctl/flowctl.db)")
    .option("--no-persistence", "keep runs in a temporary database deleted at exit")
    .option("--log-dir <dir>", "component log directory (default .flowctl/logs)")
    .option("--show-status", "print a status line with per-component rates periodically (default: on a terminal)")
    .option("--no-show-status", "no periodic status lines, even on a terminal")
    .option("--status-interval <duration>", "how often --show-status prints", "5s")
    .option("--heartbeat-ttl <duration>", "heartbeat TTL before a component is UNHEALTHY", "30s")
    .option("--for <duration>", "stop the run after this long, then report")
    .option("--registration-timeout <duration>", "how long each component may take to register", "30s")
    .option("--grace-period <duration>", "drain/terminate budget of a stop before SIGKILL", "10s")
    .option("--no-component-logs", "do not echo component output to the console (log files only)")
    .option("--metrics-port <port>", "serve the engine's Prometheus /metrics on this port (0 = any free port)");
  // Only with --use-external-control-plane; components get them as FLOWCTL_TLS_* (absolute paths).
  return addTlsClientOptions(withRunOptions).addHelpText("after", "\nWith --use-external-control-plane, --tls-ca-cert/--tls-cert/--tls-key connect the engine and every\ncomponent to a TLS/mTLS control plane (FLOWCTL_TLS_SERVER_NAME overrides the name checked).");
}

/** Registers `flowctl run`. */
export function registerRunCommand(program: Command): void {
  addRunOptions(
    program
      .command("run")
      .description("run a pipeline: start its components, wire them by `inputs`, supervise them, report")
      .argument("[file]", "pipeline YAML file", DEFAULT_PIPELINE_FILE),
  ).action(async (file: string, rawFlags: unknown, cmd: Command) => {
    const { logger, logLevel } = cliContext(cmd);
    const flags = parseFlags(runFlagsSchema, rawFlags);
    const addressGiven = cmd.getOptionValueSource("controlPlaneAddress") === "cli";
    const summary = await executeRun(file, flags, { logger, debug: logLevel === "debug", addressGiven });
    if (summary.status === "FAILED") process.exitCode = 1;
  });
}

const out = (line = "") => process.stdout.write(line + "\n");

/** Validates and runs `file` with the flags; prints everything; resolves with the summary. */
export async function executeRun(file: string, flags: RunFlags, ctx: { logger: Logger; debug: boolean; addressGiven?: boolean }): Promise<RunSummary> {
  // Bad pipelines fail here, before anything is started.
  const tls = assertRunFlags(flags);
  const loaded = await loadPipelineFile(file);
  const cp = await resolveRunControlPlane({ ...flags, controlPlaneAddressGiven: ctx.addressGiven ?? false });
  if (cp.note) ctx.logger.info(cp.note);
  const pipeline = loaded.pipeline!;
  for (const d of loaded.diagnostics.filter((x) => x.severity === "warning")) ctx.logger.warn(d.message, { path: d.path });

  const store: Store = await openStore(flags.persistence ? (flags.dbPath ? { databaseUrl: `file:${path.resolve(flags.dbPath)}` } : {}) : { databaseUrl: "file::memory:" });
  // Everything opened below registers its clean-up here: the normal end and an engine error
  // (process guards) run the same hooks — the run first, the store last.
  const shutdown = new ShutdownRegistry(ctx.logger);
  shutdown.register("store", () => store.close(), 0);
  const unguard = installProcessGuards({ logger: ctx.logger, shutdown });
  let handle: RunHandle | undefined;
  let stopSignals: (() => void) | undefined;
  let observation: LiveObservation | undefined;
  let metricsServer: MetricsHttpServer | undefined;
  let discovery: DiscoveryRecord | undefined;
  try {
    const edges = pipeline.components.reduce((a, c) => a + c.inputs.length, 0);
    // Created here so /metrics can serve before the run starts and heartbeats feed the observer.
    const metrics = createEngineMetrics();
    const registry = flags.useExternalControlPlane ? undefined : new ComponentRegistry({ heartbeatTtlMs: flags.heartbeatTtl });
    if (flags.metricsPort !== undefined) {
      const server = (metricsServer = await serveEngineMetrics(metrics.registry, flags.metricsPort, ctx.logger));
      shutdown.register("metrics server", () => server.close(), 10);
    }
    handle = await runPipeline({
      metrics,
      ...(registry ? { registry } : {}),
      pipeline,
      configYaml: loaded.source.text,
      file: loaded.source.absolutePath,
      store,
      controlPlane: flags.useExternalControlPlane
        ? {
            mode: "external",
            endpoint: formatEndpoint(cp.address, cp.port),
            ...(process.env.FLOWCTL_TOKEN ? { token: process.env.FLOWCTL_TOKEN } : {}),
            ...(tls ? { tls } : {}),
          }
        : { mode: "embedded", address: cp.address, port: cp.port, heartbeatTtlMs: flags.heartbeatTtl, ...(process.env.FLOWCTL_TOKEN ? { token: process.env.FLOWCTL_TOKEN } : {}) },
      ...(flags.logDir ? { logDir: flags.logDir } : {}),
      registrationTimeoutMs: flags.registrationTimeout,
      gracePeriodMs: flags.gracePeriod,
      ...(flags.for !== undefined ? { runForMs: flags.for } : {}),
      console: flags.componentLogs ? createConsoleSink(out) : false,
      logger: ctx.logger,
      debug: ctx.debug,
    });
    const h = handle;
    shutdown.register("run", () => h.stop("the engine is shutting down").then(() => undefined), 100);
    const topo = h.topology();
    if (!flags.useExternalControlPlane && topo.controlPlaneEndpoint) {
      discovery = announceControlPlane("run", topo.controlPlaneEndpoint, { runId: h.runId, pipeline: pipeline.name, database: store.ephemeral ? null : store.file, tokenRequired: Boolean(process.env.FLOWCTL_TOKEN) }, ctx.logger);
    }
    out(pc.bold(`flowctl run ${loaded.source.file}`));
    out(`  pipeline      ${pipeline.name} (${pipeline.components.length} components, ${edges} edges)`);
    out(`  components    ${pipeline.components.map((c) => `${c.id} (${c.role}${c.replicas > 1 ? ` ×${c.replicas}` : ""})`).join(", ")}`);
    out(`  run id        ${h.runId}`);
    out(`  control plane ${topo.controlPlaneEndpoint} (${flags.useExternalControlPlane ? "external" : "embedded"}${tls ? (tls.cert ? ", mTLS" : ", TLS") : ""})`);
    out(`  database      ${store.ephemeral ? "(no persistence)" : store.file}`);
    out(`  logs          ${path.resolve(flags.logDir ?? path.join(".flowctl", "logs"), h.runId)}`);
    if (metricsServer) out(`  metrics       ${metricsServer.url}`);
    if (flags.for !== undefined) out(`  stops after   ${formatDuration(flags.for)}`);
    out();
    // Rollups and diagnosis findings are stored while the run is live: `flowctl diagnose <run-id>`.
    // …and its targets are in the file_sd file a Prometheus can watch (docs/prometheus.md).
    const obs = (observation = observeLiveRun(h, { store, ...(registry ? { registry } : {}), logger: ctx.logger, targetsFile: defaultTargetsFile() }));
    shutdown.register("run observer", () => obs.stop(), 50);
    h.onEvent((e) => out(formatEvent(e)));
    stopSignals = handleSignals({
      onGraceful: (sig) => {
        out(pc.yellow(`\n${sig}: stopping (draining for up to ${formatDuration(flags.gracePeriod)}; press Ctrl-C again to force)`));
        h.stop(`${sig}`).catch((err: unknown) => ctx.logger.error("stopping the run failed", { error: String(err) }));
      },
      onForce: () => {
        out(pc.red("forcing stop"));
        h.forceStop();
      },
    });
    const status = (flags.showStatus ?? process.stdout.isTTY === true) ? startStatusLines(h, flags.statusInterval, () => obs.verdict()) : undefined;
    const summary = await h.done;
    clearInterval(status);
    // The observer writes its last rollup now, while the store is still open.
    await observation.stop();
    out();
    out(renderSummary(summary));
    return summary;
  } finally {
    discovery?.remove();
    stopSignals?.();
    await shutdown.shutdown();
    unguard();
  }
}

function formatEvent(e: EngineEvent): string {
  const t = pc.dim(e.at.toTimeString().slice(0, 8));
  const who = e.componentId ? pc.bold(e.componentId) + " " : "";
  const mark =
    e.type === "component.registered" || e.type === "component.healthy"
      ? pc.green("✓")
      : (e.type === "component.exited" && !(e.data?.expected === true && e.data?.code === 0)) || e.type === "component.unhealthy" || e.type === "edge.reconnected" || e.type === "edge.stream_failed"
        ? pc.yellow("!")
        : e.type === "component.crash_loop" || e.type === "edge.event_rejected"
          ? pc.red("✗")
          : pc.cyan("•");
  // The reason of a failed run is the summary's last line; printed here too, it appeared twice.
  if (e.type === "run.status" && e.data?.status === "FAILED") return `${t} ${pc.red("✗")} run FAILED`;
  return `${t} ${mark} ${who}${e.message.startsWith(e.componentId ?? "\u0000") ? e.message.slice((e.componentId ?? "").length).trimStart() : e.message}`;
}

/** Periodic status: per component in/out rates since the previous line, then the diagnosis verdict. */
function startStatusLines(h: RunHandle, everyMs: number, verdict: () => string): NodeJS.Timeout {
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

/**
 * Throws for flags that cannot be combined; returns the external control plane's TLS settings
 * (absolute paths, FLOWCTL_TLS_SERVER_NAME from the environment), undefined without TLS.
 */
export function assertRunFlags(flags: RunFlags, env: Record<string, string | undefined> = process.env): ControlPlaneTlsFiles | undefined {
  if (flags.useExternalControlPlane && flags.controlPlanePort === 0) {
    throw new FlowError("INVALID_ARGUMENT", "--control-plane-port: an external control plane needs its real port, not 0");
  }
  const tlsFlag = flags.tlsCaCert ? "--tls-ca-cert" : flags.tlsCert ? "--tls-cert" : flags.tlsKey ? "--tls-key" : undefined;
  if (tlsFlag && !flags.useExternalControlPlane) {
    // The embedded control plane listens on loopback in plaintext; TLS is for one elsewhere.
    throw new FlowError("INVALID_ARGUMENT", `${tlsFlag}: TLS flags apply to an external control plane only (add --use-external-control-plane); the embedded one serves plaintext on ${flags.controlPlaneAddress}`);
  }
  const files = resolveTlsClientFlags(flags);
  const serverName = env.FLOWCTL_TLS_SERVER_NAME?.trim();
  return files ? { ...files, ...(serverName ? { serverName } : {}) } : undefined;
}
