/**
 * `flowctl run [file]`: validate, then run a pipeline in the foreground — preflight block, progress
 * lines, the aggregated component output, live status, and a final summary. Exit 0 on COMPLETED or
 * STOPPED, 1 on FAILED. Ctrl-C stops gracefully; Ctrl-C twice forces. This file: the flags and the
 * command; the session is run-session.ts, what it prints run-output.ts.
 */
import type { Command } from "commander";
import { cliContext, parseFlags } from "../context";
import { addTlsClientOptions } from "../control-plane-options";
import { DEFAULT_PIPELINE_FILE } from "../pipeline-file";
import { runFlagsSchema } from "../run-flags";
import { executeRun } from "../run-session";

export { assertRunFlags, runFlagsSchema, type RunFlags } from "../run-flags";
export { renderSummary, sinkRates } from "../run-output";
export { executeRun };

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
    .option("--registration-timeout <duration>", "how long each component may take to register (default 30s; 10m with --attach)")
    .option("--attach", "start no processes: wait for components started elsewhere (Kubernetes, Compose, by hand) to register", false)
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
