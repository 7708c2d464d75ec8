/**
 * The `flowctl` command. Every subcommand lives in commands/<name>.command.ts and registers itself
 * through commands/index.ts; commands parse flags (zod), call one service, render the result.
 */
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands/index";
import { reportError } from "./context";
import { FLOWCTL_VERSION } from "./version";

export function buildProgram(): Command {
  const program = new Command("flowctl")
    .description("Run, validate, watch and diagnose flowctl/v1 pipelines.")
    .version(FLOWCTL_VERSION, "--version", "print the version")
    .option("--log-level <level>", "debug | info | warn | error", "info")
    .option("--log-json", "log as JSON lines on stderr", false)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
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
