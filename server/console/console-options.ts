/**
 * `flowctl console` options → compiled, validated once: flags, then the environment
 * (`FLOWCTL_TOKEN`), with paths made absolute and the loopback question answered.
 */
import path from "node:path";
import { z } from "zod";
import { FlowError } from "../core/errors";
import { MIN_TOKEN_LENGTH } from "../services/console-auth";

export const consoleFlagsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  grpcPort: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default("127.0.0.1"),
  demo: z.boolean().default(true),
  dbPath: z.string().min(1).optional(),
  dataDir: z.string().min(1).optional(),
  allowCommands: z.boolean().default(false),
  dev: z.boolean().default(false),
  gracePeriod: z.coerce.number().int().min(0).default(10_000),
});
export type ConsoleFlags = z.output<typeof consoleFlagsSchema>;

/** Everything `startConsole` needs, validated. */
export interface CompiledConsoleOptions {
  host: string;
  port: number;
  grpcPort: number;
  /** The gRPC port was the default, not asked for: a busy one falls back to a free port. */
  grpcPortIsDefault: boolean;
  loopback: boolean;
  token: string | undefined;
  demo: boolean;
  /** Absolute: `<cwd>/.flowctl` unless set. Components run here; FILE_PATHs must stay inside. */
  dataDir: string;
  /** Absolute SQLite file from --db-path; else the store's own default (see docs/storage.md). */
  databaseFile: string | undefined;
  logDir: string;
  allowCommands: boolean;
  dev: boolean;
  gracePeriodMs: number;
}

/** Whether `host` binds loopback only. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Compiles flags + environment; throws INVALID_ARGUMENT / FAILED_PRECONDITION naming what to fix. */
export function compileConsoleOptions(flags: ConsoleFlags, env: Record<string, string | undefined>, cwd: string, explicit: { grpcPort: boolean }): CompiledConsoleOptions {
  const loopback = isLoopbackHost(flags.host);
  const token = env.FLOWCTL_TOKEN?.trim() || undefined;
  if (!loopback && (!token || token.length < MIN_TOKEN_LENGTH)) {
    throw new FlowError(
      "FAILED_PRECONDITION",
      `--host ${flags.host} makes the console reachable from other machines: set FLOWCTL_TOKEN to a secret of at least ${MIN_TOKEN_LENGTH} characters first (anyone who can reach it could otherwise start processes here)`,
    );
  }
  const dataDir = path.resolve(cwd, flags.dataDir ?? ".flowctl");
  return {
    host: flags.host,
    port: flags.port,
    grpcPort: flags.grpcPort,
    grpcPortIsDefault: !explicit.grpcPort,
    loopback,
    token,
    demo: flags.demo,
    dataDir,
    databaseFile: flags.dbPath ? path.resolve(cwd, flags.dbPath) : undefined,
    logDir: path.join(dataDir, "logs"),
    allowCommands: flags.allowCommands,
    dev: flags.dev,
    gracePeriodMs: flags.gracePeriod,
  };
}
