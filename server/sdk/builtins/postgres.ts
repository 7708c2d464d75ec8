/**
 * `postgres` sink: one multi-row INSERT per flush inside a transaction (chunked below the 65,535
 * parameter limit), into TABLE (created if missing), through a pool of POSTGRES_MAX_CONNS.
 * Connection from DATABASE_URL, else flowctl's POSTGRES_HOST/PORT/DB/USER/PASSWORD/SSLMODE.
 */
import pg from "pg";
import { postgresEnvSchema } from "../../core/spec/builtin-env.schema";
import { parseComponentEnv } from "../config";
import { defineSink } from "../define";
import { eventTimeMs } from "../event";
import type { FlowEvent, SinkDefinition } from "../types";


const envSchema = postgresEnvSchema;

const COLUMNS = ["id", "type", "source_component_id", "content_type", "event_time", "metadata", "payload"] as const;
/** Rows per INSERT statement: 7 params each stays far below PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 5000;

/** `"schema"."table"` from a validated identifier. */
export function quoteTable(name: string): string {
  return name
    .split(".")
    .map((p) => `"${p}"`)
    .join(".");
}

/** DDL for the target table. */
export function createTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteTable(table)} (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  source_component_id TEXT,
  content_type TEXT,
  event_time TIMESTAMPTZ,
  metadata JSONB,
  payload BYTEA NOT NULL,
  inserted_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;
}

/** One multi-row INSERT for `rows` events: the SQL text and its parameters. */
export function buildInsert(table: string, rows: FlowEvent[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const e of rows) {
    const base = values.length;
    tuples.push(`(${COLUMNS.map((_, i) => `$${base + i + 1}`).join(",")})`);
    const ms = eventTimeMs(e);
    values.push(
      e.id,
      e.type,
      e.sourceComponentId || null,
      e.contentType || null,
      ms === undefined ? null : new Date(ms),
      e.metadata && Object.keys(e.metadata).length > 0 ? JSON.stringify(e.metadata) : null,
      Buffer.isBuffer(e.payload) ? e.payload : Buffer.from(e.payload),
    );
  }
  return { text: `INSERT INTO ${quoteTable(table)} (${COLUMNS.join(",")}) VALUES ${tuples.join(",")}`, values };
}

/** The `postgres` sink from its env (DATABASE_URL or POSTGRES_*, TABLE, POSTGRES_MAX_CONNS). */
export function createPostgresSink(env: Record<string, string | undefined>): SinkDefinition {
  const cfg = parseComponentEnv(envSchema, env, "postgres");
  const ssl = cfg.POSTGRES_SSLMODE === "disable" ? false : cfg.POSTGRES_SSLMODE === "require" ? { rejectUnauthorized: false } : true;
  const poolConfig: pg.PoolConfig = cfg.DATABASE_URL
    ? { connectionString: cfg.DATABASE_URL, max: cfg.POSTGRES_MAX_CONNS }
    : {
        host: cfg.POSTGRES_HOST,
        port: cfg.POSTGRES_PORT,
        database: cfg.POSTGRES_DB,
        user: cfg.POSTGRES_USER,
        password: cfg.POSTGRES_PASSWORD,
        ssl,
        max: cfg.POSTGRES_MAX_CONNS,
      };
  let pool: pg.Pool | undefined;
  return defineSink({
    name: "postgres",
    description: `Batched INSERTs into ${cfg.TABLE}`,
    batch: { size: 500, flushIntervalMs: 100 },
    async setup(ctx) {
      pool = new pg.Pool({ ...poolConfig, connectionTimeoutMillis: 10_000 });
      pool.on("error", (err) => ctx.logger.warn("idle postgres connection failed", { error: err.message }));
      try {
        await pool.query(createTableSql(cfg.TABLE));
      } catch (err) {
        await pool.end();
        pool = undefined;
        const where = cfg.DATABASE_URL ? "DATABASE_URL" : `POSTGRES_HOST/POSTGRES_PORT ${cfg.POSTGRES_HOST}:${cfg.POSTGRES_PORT}, POSTGRES_DB ${cfg.POSTGRES_DB}`;
        throw new Error(`postgres: cannot create table ${cfg.TABLE} via ${where}: ${(err as Error).message}`, { cause: err });
      }
      ctx.logger.info("postgres sink ready", { table: cfg.TABLE, maxConns: cfg.POSTGRES_MAX_CONNS });
    },
    async consume(batch) {
      if (!pool) throw new Error("postgres sink used before setup");
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        for (let i = 0; i < batch.length; i += ROWS_PER_STATEMENT) {
          const q = buildInsert(cfg.TABLE, batch.slice(i, i + ROWS_PER_STATEMENT));
          await client.query(q.text, q.values);
        }
        await client.query("COMMIT");
        client.release();
      } catch (err) {
        // Roll back, then drop the connection if even that fails (it may be broken).
        await client.query("ROLLBACK").then(
          () => client.release(),
          (rbErr: Error) => client.release(rbErr),
        );
        throw err;
      }
    },
    async teardown() {
      await pool?.end();
      pool = undefined;
    },
  });
}

/** The factory `flowctl component postgres` runs (each built-in module's default export). */
export default createPostgresSink;
