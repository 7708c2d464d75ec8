/**
 * Process-level last resort for a long-lived engine process (`flowctl run`, `start`, `console`):
 * an uncaught exception or an unhandled rejection is a bug whose damage is unknown, so it is
 * logged with its stack, then the process's shutdown hooks run (they stop every run: components
 * terminated, run records terminal) within a deadline, and the process exits 70 (EX_SOFTWARE).
 * Without this, Node exits at once and the components — each in its own process group — keep
 * running until a later engine reaps them.
 */
import type { Logger } from "../core/logger";
import type { ShutdownRegistry } from "./shutdown-registry";

/** Exit code after an engine error (sysexits EX_SOFTWARE). */
export const ENGINE_ERROR_EXIT_CODE = 70;

export interface ProcessGuardOptions {
  logger: Logger;
  shutdown: ShutdownRegistry;
  /** Budget for the shutdown hooks before the process exits anyway. @default 30_000 */
  deadlineMs?: number;
  /** @default process.exit */
  exit?: (code: number) => void;
}

/** Installs the handlers; returns the function that removes them. */
export function installProcessGuards(opts: ProcessGuardOptions): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let handling = false;
  const fatal = (kind: string, err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    opts.logger.error(`engine error (${kind}): stopping every run`, { error: e.message, stack: e.stack });
    if (handling) return;
    handling = true;
    opts.shutdown
      .shutdown(opts.deadlineMs ?? 30_000)
      .catch((shutdownErr: unknown) => opts.logger.error("shutdown after an engine error did not finish", { error: String(shutdownErr) }))
      .finally(() => exit(ENGINE_ERROR_EXIT_CODE));
  };
  const onException = (err: Error) => fatal("uncaught exception", err);
  const onRejection = (reason: unknown) => fatal("unhandled rejection", reason);
  // A closed terminal (SIGHUP, `| head`) makes writes to stdout/stderr fail: the output is lost,
  // the run is not — without a listener, that error event would end the process.
  const onOutputError = (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE" && err.code !== "EIO") fatal("output error", err);
  };
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  process.stdout.on("error", onOutputError);
  process.stderr.on("error", onOutputError);
  return () => {
    process.off("uncaughtException", onException);
    process.off("unhandledRejection", onRejection);
    process.stdout.off("error", onOutputError);
    process.stderr.off("error", onOutputError);
  };
}
