/** What every command gets: the validated global flags and a logger; plus error → exit code. */
import { Command } from "commander";
import { z } from "zod";
import { FlowError, toFlowError } from "../core/errors";
import type { Logger } from "../core/logger";
import { createLogger } from "../lifecycle/logger";

const globalOptionsSchema = z.object({
  logLevel: z.enum(["debug", "info", "warn", "error"], { message: "--log-level must be one of debug, info, warn, error" }),
  logJson: z.boolean().default(false),
});

export interface CliContext {
  logger: Logger;
  logLevel: "debug" | "info" | "warn" | "error";
}

/** Validates the global flags of the root program (reached from any subcommand). */
export function cliContext(cmd: Command): CliContext {
  let root = cmd;
  while (root.parent) root = root.parent;
  const parsed = globalOptionsSchema.safeParse(root.opts());
  if (!parsed.success) throw new FlowError("INVALID_ARGUMENT", parsed.error.issues.map((i) => i.message).join("; "));
  return { logLevel: parsed.data.logLevel, logger: createLogger({ level: parsed.data.logLevel, json: parsed.data.logJson }) };
}

/** Parses a command's flags with zod; errors name the flag. */
export function parseFlags<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `--${String(i.path[0] ?? "").replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}: ${i.message}`).join("; ");
    throw new FlowError("INVALID_ARGUMENT", msg);
  }
  return r.data;
}

/** Prints `Error: <message>` to stderr (flowctl's format) and returns the exit code. */
export function reportError(err: unknown): number {
  const e = toFlowError(err);
  process.stderr.write(`Error: ${e.message}\n`);
  if (e.kind === "unexpected" && process.env.FLOWCTL_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + "\n");
  return 1;
}
