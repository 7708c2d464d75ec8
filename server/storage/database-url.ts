/**
 * Where the store lives. Default `file:<cwd>/.flowctl/flowctl.db`, `FLOWCTL_DATABASE_URL` overrides
 * (not `DATABASE_URL`: that is the postgres sink's, and one variable cannot name both), and
 * `--no-persistence` gets a private temp file: libsql opens a fresh connection after every
 * transaction, so `file::memory:` would hand each connection its own empty database.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FlowError, InvalidArgumentError, StorageError } from "../core/errors";

/** A resolved database location plus how to clean it up. */
export interface ResolvedDatabase {
  /** libsql URL (`file:/abs/path.db`). */
  url: string;
  /** Absolute file path. */
  file: string;
  /** True for a throw-away database (`--no-persistence`), deleted on close. */
  ephemeral: boolean;
  /** Removes an ephemeral database's directory; no-op otherwise. */
  dispose(): void;
}

/** Options accepted by {@link resolveDatabase}. */
export interface DatabaseLocationOptions {
  /** `file:…` URL, a plain path, or `file::memory:` for a throw-away store. */
  databaseUrl?: string;
  /** Base for relative paths and the default location. @default process.cwd() */
  cwd?: string;
  /** Environment to read `FLOWCTL_DATABASE_URL` from. @default process.env */
  env?: Record<string, string | undefined>;
  /** Fail with NOT_FOUND instead of creating a missing database (readers of run history). */
  mustExist?: boolean;
}

const MEMORY_URLS = new Set([":memory:", "file::memory:", "file::memory:?cache=shared"]);

/** The env variable naming the store (the postgres sink's `DATABASE_URL` is left alone). */
export const STORE_URL_ENV = "FLOWCTL_DATABASE_URL";

/** Resolves the database location and creates its directory. */
export function resolveDatabase(opts: DatabaseLocationOptions = {}): ResolvedDatabase {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const fromEnv = env[STORE_URL_ENV]?.trim() || undefined;
  const raw = opts.databaseUrl ?? fromEnv ?? `file:${path.join(cwd, ".flowctl", "flowctl.db")}`;
  // The message names where the bad value came from: the option, or the variable.
  const field = opts.databaseUrl !== undefined ? "databaseUrl" : fromEnv !== undefined ? STORE_URL_ENV : "databaseUrl";
  if (MEMORY_URLS.has(raw)) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-ephemeral-"));
    const file = path.join(dir, "flowctl.db");
    return { url: `file:${file}`, file, ephemeral: true, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (/^(postgres|postgresql|libsql|https?|wss?):/.test(raw)) {
    throw new InvalidArgumentError(field, `only SQLite file URLs are supported for the flowctl store so far (got ${raw.split(":")[0]}:)`);
  }
  const withoutScheme = raw.startsWith("file:") ? raw.slice("file:".length).replace(/^\/\/(?=\/)/, "") : raw;
  if (withoutScheme.length === 0) throw new InvalidArgumentError(field, "empty path");
  const file = path.resolve(cwd, withoutScheme);
  if (opts.mustExist && !existsSync(file)) throw new FlowError("NOT_FOUND", `no flowctl database at ${file} (runs are recorded there by flowctl run; pass --db-path or set ${STORE_URL_ENV})`);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw new StorageError(`cannot create the database directory ${path.dirname(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, err);
  }
  return { url: `file:${file}`, file, ephemeral: false, dispose: () => undefined };
}
