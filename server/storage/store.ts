/**
 * The persistent store: opens (creating and migrating) the SQLite database and exposes the
 * repositories. Everything outside server/storage sees only {@link Store} and plain domain objects.
 */
import { createClient } from "@libsql/client";
import { FlowError, StorageError } from "../core/errors";
import { ComponentRepository } from "./component.repository";
import { resolveDatabase, type DatabaseLocationOptions } from "./database-url";
import { MetricRollupRepository } from "./metric-rollup.repository";
import { applyMigrations, readMigrations, type MigrationFile } from "./migrate";
import { PipelineRepository } from "./pipeline.repository";
import { createPrismaClient, DEFAULT_BUSY_TIMEOUT_MS, relaxSync } from "./prisma-client";
import { RunRepository } from "./run.repository";

/** Options of {@link openStore}. */
export interface StoreOptions extends DatabaseLocationOptions {
  /** How long a write waits for another process's lock. @default 5000 */
  busyTimeoutMs?: number;
  /** Migrations to apply (tests); defaults to `prisma/migrations`. */
  migrations?: MigrationFile[];
}

/** An open store. Call {@link Store.close} when done. */
export interface Store {
  /** libsql URL of the database. */
  readonly url: string;
  /** Absolute path of the SQLite file. */
  readonly file: string;
  /** True for `--no-persistence` stores (deleted on close). */
  readonly ephemeral: boolean;
  /** Migrations applied by this open (empty when already up to date). */
  readonly appliedMigrations: readonly string[];
  readonly pipelines: PipelineRepository;
  readonly runs: RunRepository;
  readonly metrics: MetricRollupRepository;
  readonly components: ComponentRepository;
  close(): Promise<void>;
}

/**
 * Opens the store: resolves the location (default `file:<cwd>/.flowctl/flowctl.db`, `FLOWCTL_DATABASE_URL`,
 * `file::memory:` → private temp file), switches the file to WAL so the engine and readers can share
 * it, applies pending migrations, and connects Prisma. Any failure is a StorageError naming the file.
 */
export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  const location = resolveDatabase(opts);
  const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let appliedMigrations: string[] = [];
  try {
    const client = createClient({ url: location.url, timeout: busyTimeoutMs });
    try {
      // WAL is a property of the file (it persists); readers no longer block the writer.
      await client.execute("PRAGMA journal_mode = WAL");
      appliedMigrations = (await applyMigrations(client, opts.migrations ?? readMigrations())).applied;
    } finally {
      client.close();
    }
  } catch (err) {
    location.dispose();
    const detail = err instanceof FlowError ? err.message : (err as Error).message;
    throw new StorageError(`cannot open database ${location.file}: ${detail}`, err);
  }

  const db = createPrismaClient(location.url, busyTimeoutMs);
  try {
    await db.$connect();
    await relaxSync(db);
  } catch (err) {
    location.dispose();
    throw new StorageError(`cannot connect to database ${location.file}: ${(err as Error).message}`, err);
  }
  const metrics = new MetricRollupRepository(db);
  let closed = false;
  return {
    url: location.url,
    file: location.file,
    ephemeral: location.ephemeral,
    appliedMigrations,
    pipelines: new PipelineRepository(db),
    runs: new RunRepository(db, metrics),
    metrics,
    components: new ComponentRepository(db),
    async close() {
      if (closed) return;
      closed = true;
      await db.$disconnect();
      location.dispose();
    },
  };
}
