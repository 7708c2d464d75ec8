/**
 * Applies `prisma/migrations/<ts>_<name>/migration.sql` in lexical order, once each, recording name
 * and sha256 in `_app_migrations`. Each migration runs in its own write transaction (BEGIN
 * IMMEDIATE), and the applied list is re-read inside it, so two processes opening a fresh file at
 * the same time do not both apply a migration. Prisma's migrate engine is unavailable offline.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Client } from "@libsql/client";
import { StorageError } from "../core/errors";

/** The project's migrations folder. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "prisma", "migrations");

const DDL = `CREATE TABLE IF NOT EXISTS "_app_migrations" ("name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "applied_at" TEXT NOT NULL)`;

/** One migration on disk. */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** Reads the migrations folder (sorted). */
export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  if (!existsSync(dir)) throw new StorageError(`migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Result of {@link applyMigrations}. */
export interface MigrationReport {
  applied: string[];
  total: number;
}

/**
 * Brings the database up to date. Throws StorageError when an applied migration's file changed
 * (its checksum differs) or a migration fails; a failed migration leaves nothing behind.
 */
export async function applyMigrations(client: Client, migrations: MigrationFile[] = readMigrations()): Promise<MigrationReport> {
  await client.execute(DDL);
  const applied: string[] = [];
  for (const m of migrations) {
    const tx = await client.transaction("write");
    try {
      const row = await tx.execute({ sql: `SELECT "checksum" FROM "_app_migrations" WHERE "name" = ?`, args: [m.name] });
      const existing = row.rows[0]?.checksum;
      if (existing !== undefined) {
        if (existing !== m.checksum) {
          throw new StorageError(
            `migration ${m.name} was changed after it was applied (recorded sha256 ${String(existing).slice(0, 12)}…, file ${m.checksum.slice(0, 12)}…); ` +
              `never edit an applied migration — add a new one (docs/storage.md)`,
          );
        }
        await tx.rollback();
        continue;
      }
      await tx.executeMultiple(m.sql);
      await tx.execute({
        sql: `INSERT INTO "_app_migrations" ("name", "checksum", "applied_at") VALUES (?, ?, ?)`,
        args: [m.name, m.checksum, new Date().toISOString()],
      });
      await tx.commit();
      applied.push(m.name);
    } catch (err) {
      if (!tx.closed) await tx.rollback();
      if (err instanceof StorageError) throw err;
      throw new StorageError(`migration ${m.name} failed: ${(err as Error).message}`, err);
    } finally {
      tx.close();
    }
  }
  return { applied, total: migrations.length };
}
