/**
 * The `flowctl` command tree. Only the subcommand being run is loaded (see commands/index.ts); the
 * others are listed from the build's manifest of their names and descriptions, so `flowctl version`
 * or a built-in component starts without loading the engine, Prisma or gRPC servers it never uses.
 */
import { Command } from "commander";
import { COMMANDS } from "./commands/index";
import type { CommandSummary } from "./command-manifest";
import { FLOWCTL_VERSION } from "./version";

/** The root command with its global options and no subcommands. */
export function rootProgram(): Command {
  return new Command("flowctl")
    .description("Run, validate, watch and diagnose flowctl/v1 pipelines.")
    .version(FLOWCTL_VERSION, "--version", "print the version")
    .option("--log-level <level>", "debug | info | warn | error", "info")
    .option("--log-json", "log as JSON lines on stderr", false)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
}

/**
 * The subcommand `args` (argv without node and script) asks for: the first operand once the root's
 * own options (and their values) are skipped; for `help <name>`, that name. Undefined for the root
 * help. Aliases resolve to their command.
 */
export function requestedCommand(args: readonly string[], summaries: readonly Pick<CommandSummary, "name" | "aliases">[]): string | undefined {
  const root = rootProgram();
  const operands: string[] = [];
  for (let i = 0; i < args.length && operands.length < 2; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    if (arg.startsWith("-")) {
      // A root option taking a value consumes the next argument unless written --opt=value.
      const opt = root.options.find((o) => o.long === arg || o.short === arg);
      if (opt && (opt.required || opt.optional) && !arg.includes("=")) i++;
      continue;
    }
    operands.push(arg);
    if (operands[0] !== "help") break;
  }
  const name = operands[0] === "help" ? operands[1] : operands[0];
  if (name === undefined) return undefined;
  return summaries.find((s) => s.name === name || s.aliases.includes(name))?.name;
}

/**
 * The program for `args`: the requested subcommand registered from its module, every other one a
 * stub carrying its name, aliases and help line (enough for the root help and "did you mean").
 * Without a manifest (running from sources) every command is loaded.
 */
export async function buildProgram(args: readonly string[], manifest: readonly CommandSummary[] | undefined): Promise<Command> {
  const program = rootProgram();
  const target = manifest ? requestedCommand(args, manifest) : undefined;
  const terms = new Map<string, string>();
  for (const entry of COMMANDS) {
    const summary = manifest?.find((s) => s.name === entry.name);
    if (!summary || entry.name === target) {
      (await entry.load())(program);
      continue;
    }
    const stub = program.command(summary.name).description(summary.description);
    for (const alias of summary.aliases) stub.alias(alias);
    terms.set(summary.name, summary.term);
  }
  if (terms.size > 0) {
    const help = program.createHelp();
    program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd) });
  }
  return program;
}
