/**
 * Every subcommand, in help order: its name and how to load the module that registers it. Modules
 * are imported only when their command runs (or for `--help` of that command), so `flowctl version`
 * or a built-in component does not load the engine, Prisma or the console. Add a command by adding
 * an entry here; `name` must be the name its register function gives it (a unit test checks).
 */
import type { Command } from "commander";

export type RegisterCommand = (program: Command) => void;

/** One subcommand: its name and a loader for its register function. */
export interface CommandEntry {
  name: string;
  load(): Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: "console", load: async () => (await import("./console.command")).registerConsoleCommand },
  { name: "run", load: async () => (await import("./run.command")).registerRunCommand },
  { name: "start", load: async () => (await import("./start.command")).registerStartCommand },
  { name: "status", load: async () => (await import("./status.command")).registerStatusCommand },
  { name: "pipelines", load: async () => (await import("./pipelines.command")).registerPipelinesCommand },
  { name: "server", load: async () => (await import("./server.command")).registerServerCommand },
  { name: "validate", load: async () => (await import("./validate.command")).registerValidateCommand },
  { name: "schema", load: async () => (await import("./schema.command")).registerSchemaCommand },
  { name: "translate", load: async () => (await import("./translate.command")).registerTranslateCommand },
  { name: "version", load: async () => (await import("./version.command")).registerVersionCommand },
  { name: "diagnose", load: async () => (await import("./diagnose.command")).registerDiagnoseCommand },
  { name: "component", load: async () => (await import("./component.command")).registerComponentCommand },
  { name: "init", load: async () => (await import("./init.command")).registerInitCommand },
];
