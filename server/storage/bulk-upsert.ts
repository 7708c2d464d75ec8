/**
 * Multi-row `INSERT … ON CONFLICT … DO UPDATE` in one transaction, for the frequent writers
 * (metric rollups, component snapshots): one Prisma upsert per row cost milliseconds each (a
 * query-compiler pass, a read and a write), and a 50-component run flushes ~2,000 rollup points
 * every 10 s. Raw SQL with SQLite's `?` placeholders — the one place outside Prisma's query API.
 */
import { relaxSync, type Db } from "./prisma-client";

/** Bound parameters per statement, well under SQLite's 32,766-variable limit. */
const MAX_PARAMS = 3_000;

export interface BulkUpsert<C extends string> {
  table: string;
  /** Every column written, in the order each row binds them. */
  columns: readonly C[];
  /** The unique key that decides insert or update. */
  conflict: readonly C[];
  /** Columns an existing row takes from the new one. */
  update: readonly C[];
  rows: ReadonlyArray<Readonly<Record<C, unknown>>>;
}

/** Writes `rows` (all or none). */
export async function bulkUpsert<C extends string>(db: Db, spec: BulkUpsert<C>): Promise<void> {
  if (spec.rows.length === 0) return;
  const q = (c: string) => `"${c}"`;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / spec.columns.length));
  const rowPlaceholders = `(${spec.columns.map(() => "?").join(", ")})`;
  const statements: Array<ReturnType<Db["$executeRawUnsafe"]>> = [];
  for (let i = 0; i < spec.rows.length; i += perStatement) {
    const chunk = spec.rows.slice(i, i + perStatement);
    statements.push(
      db.$executeRawUnsafe(
        `INSERT INTO ${q(spec.table)} (${spec.columns.map(q).join(", ")}) VALUES ${chunk.map(() => rowPlaceholders).join(", ")} ` +
          `ON CONFLICT (${spec.conflict.map(q).join(", ")}) DO UPDATE SET ${spec.update.map((c) => `${q(c)} = excluded.${q(c)}`).join(", ")}`,
        ...chunk.flatMap((r) => spec.columns.map((c) => r[c])),
      ),
    );
  }
  await relaxSync(db);
  await db.$transaction(statements);
}
