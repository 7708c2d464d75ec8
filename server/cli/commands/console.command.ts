/**
 * `flowctl console` (what `npm start` runs): the web console and the engine in one process — live
 * monitoring, run history, diagnosis and the pipeline editor on http://127.0.0.1:3000, one shared
 * control plane for every run. Ctrl-C stops every run cleanly; Ctrl-C twice forces.
 */
import type { Command } from "commander";
import pc from "picocolors";
import { compileConsoleOptions, consoleFlagsSchema } from "../../console/console-options";
import { startConsole } from "../../console/start-console";
import { handleSignals } from "../../lifecycle/signals";
import { cliContext, parseFlags } from "../context";

/** Registers `flowctl console`. */
export function registerConsoleCommand(program: Command): void {
  program
    .command("console")
    .description("start the web console with the engine: live pipelines, run history, diagnosis, editor")
    .option("--port <port>", "HTTP port of the console", "3000")
    .option("--grpc-port <port>", "port of the shared gRPC control plane (a busy default falls back to a free one)", "8080")
    .option("--host <address>", "listen address; anything but loopback requires FLOWCTL_TOKEN", "127.0.0.1")
    .option("--no-demo", "do not save and start the demo pipelines on an empty store")
    .option("--db-path <path>", "SQLite database file (default .flowctl/flowctl.db)")
    .option("--data-dir <dir>", "where components run and write their files, and logs go (default .flowctl)")
    .option("--allow-commands", "off loopback, also run pipelines that name their own command or image", false)
    .option("--dev", "serve the pages with Next's development server (hot reload)", false)
    .action(async (rawFlags: Record<string, unknown>, cmd: Command) => {
      const { logger } = cliContext(cmd);
      const flags = parseFlags(consoleFlagsSchema, rawFlags);
      const options = compileConsoleOptions(flags, process.env, process.cwd(), { grpcPort: cmd.getOptionValueSource("grpcPort") === "cli" });
      const app = await startConsole(options, logger);
      const out = (line = "") => process.stdout.write(line + "\n");
      const running = app.services.runs.ownedRunIds().map((id) => app.services.runs.pipelineOf(id)).filter(Boolean);
      out();
      out(`  ${pc.bold("flowctl console")}  ${pc.cyan(app.url)}`);
      out(`  control plane    ${app.controlPlaneEndpoint}  (\`npx flowctl status\` from this directory finds it)`);
      out(`  database         ${app.services.info.databaseFile}`);
      out(`  access           ${options.loopback ? "this machine only (no login)" : "token login required (FLOWCTL_TOKEN)"}`);
      out(`  running          ${running.length > 0 ? running.join(", ") : "nothing yet — save a pipeline in the console, or PUT it to /api/pipelines/<name>"}`);
      out(pc.dim(`  Open ${app.url} to watch the pipelines; \`npx flowctl diagnose <run-id>\` explains one from the shell.`));
      out(pc.dim(`  Ctrl-C stops every run and the console; Ctrl-C twice forces.`));
      out();
      await new Promise<void>((resolve) => {
        const stopSignals = handleSignals({
          onGraceful: (sig) => {
            out(pc.yellow(`\n${sig}: stopping every run (press Ctrl-C again to force)`));
            void app.stop().then(() => {
              stopSignals();
              resolve();
            });
          },
          onForce: () => {
            out(pc.red("forcing stop"));
            void app.stop({ force: true });
          },
        });
      });
    });
}
