/**
 * The `flowctl` command. Every subcommand lives in commands/<name>.command.ts and is listed in
 * commands/index.ts; commands parse flags (zod), call one service, render the result. Only the
 * subcommand being run is loaded (program.ts).
 */
import { CommanderError } from "commander";
import { readCommandManifest } from "./command-manifest";
import { reportError } from "./context";
import { buildProgram } from "./program";

export async function main(argv: string[]): Promise<void> {
  try {
    const program = await buildProgram(argv.slice(2), readCommandManifest());
    program.exitOverride();
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      process.exitCode = err.exitCode;
      return;
    }
    process.exitCode = reportError(err);
  }
}
