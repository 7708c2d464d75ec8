/**
 * What `flowctl --help` lists of each subcommand, without loading its module: name, aliases, term
 * (`status [options] [pipeline-file]`) and description. The build writes it next to the compiled
 * CLI (dist/cli/commands.json) by loading every command once; running from the TypeScript sources
 * there is no manifest and the CLI loads every command instead (slower, same output).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Help } from "commander";
import { COMMANDS } from "./commands/index";
import { rootProgram } from "./program";

/** One subcommand as the root help shows it. */
export interface CommandSummary {
  name: string;
  aliases: string[];
  term: string;
  description: string;
}

const MANIFEST = new URL("./commands.json", import.meta.url);

/** Loads every command and summarizes it, in help order. */
export async function summarizeCommands(): Promise<CommandSummary[]> {
  const program = rootProgram();
  for (const entry of COMMANDS) (await entry.load())(program);
  const help = new Help();
  return program.commands.map((c) => ({ name: c.name(), aliases: c.aliases(), term: help.subcommandTerm(c), description: c.description() }));
}

/** The manifest written by the build, or undefined (running from sources, or not built yet). */
export function readCommandManifest(): CommandSummary[] | undefined {
  try {
    return JSON.parse(readFileSync(MANIFEST, "utf8")) as CommandSummary[];
  } catch {
    return undefined;
  }
}

/** Writes the manifest beside this module (called by the build on the compiled CLI). */
export async function writeCommandManifest(): Promise<string> {
  const file = fileURLToPath(MANIFEST);
  writeFileSync(file, JSON.stringify(await summarizeCommands(), null, 2) + "\n");
  return file;
}
