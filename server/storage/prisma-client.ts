/** Creates the Prisma client over libsql. The only place that constructs PrismaClient. */
import { PrismaLibSql } from "@prisma/adapter-libsql";
import { PrismaClient } from "./generated/prisma/client";

/** The generated client type, for repositories. */
export type Db = InstanceType<typeof PrismaClient>;

/** Busy timeout: how long a write waits for another process's lock before failing. @default 5000 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/** Opens a Prisma client on a libsql URL with a busy timeout (applied to every connection libsql opens). */
export function createPrismaClient(url: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): Db {
  return new PrismaClient({ adapter: new PrismaLibSql({ url, timeout: busyTimeoutMs }) });
}

/**
 * Sets `synchronous = NORMAL` on the connection in use. In WAL mode NORMAL syncs at checkpoints,
 * not on every commit: a crash of flowctl loses nothing and the file cannot corrupt; only a power
 * cut may drop the newest transactions. FULL made every metrics flush and run event wait for an
 * fsync on the event loop. The setting belongs to a connection, and libsql opens a new one after
 * every interactive transaction, so the frequent writers call this before they write (microseconds).
 */
export function relaxSync(db: Db): Promise<number> {
  return db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
}
