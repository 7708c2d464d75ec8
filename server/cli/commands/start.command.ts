/**
 * `flowctl start` (what `npm start` runs until the console exists): runs the demo pipeline
 * (examples/demo.yaml) headless with live status until Ctrl-C. The same engine and output as
 * `flowctl run`; only the defaults differ (status lines on, any free control-plane port).
 */
import path from "node:path";
import type { Command } from "commander";
import { REPO_ROOT } from "../../drivers/process/process-driver";
import { cliContext, parseFlags } from "../context";
import { addRunOptions, executeRun, runFlagsSchema } from "./run.command";

/** The demo pipeline shipped with the repository. */
export const DEMO_PIPELINE = path.join(REPO_ROOT, "examples", "demo.yaml");

/** Registers `flowctl start`. */
export function registerStartCommand(program: Command): void {
  const cmd = program
    .command("start")
    .description("run the demo pipeline (examples/demo.yaml) with live status until Ctrl-C")
    .option("-f, --file <file>", "pipeline to run instead of the demo", DEMO_PIPELINE);
  addRunOptions(cmd).action(async (rawFlags: Record<string, unknown>, c: Command) => {
    const { logger, logLevel } = cliContext(c);
    // Live status is the point of `start`; an occupied 8080 must not stop the demo.
    const explicit = (name: string) => c.getOptionValueSource(name) === "cli";
    const flags = parseFlags(runFlagsSchema, {
      ...rawFlags,
      showStatus: explicit("showStatus") ? rawFlags.showStatus : true,
      controlPlanePort: explicit("controlPlanePort") ? rawFlags.controlPlanePort : "0",
    });
    const file = String(rawFlags.file ?? DEMO_PIPELINE);
    const summary = await executeRun(file, flags, { logger, debug: logLevel === "debug" });
    if (summary.status === "FAILED") process.exitCode = 1;
  });
}
