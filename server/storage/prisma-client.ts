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
