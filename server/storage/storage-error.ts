/**
 * Maps driver/Prisma failures to domain errors at the repository boundary: constraint violations
 * become ALREADY_EXISTS / NOT_FOUND, everything else (locked, corrupt, disk full) a StorageError.
 */
import { AlreadyExistsError, FlowError, NotFoundError, StorageError } from "../core/errors";

interface PrismaLikeError {
  code?: string;
  message?: string;
}

/** Context used to name the entity in ALREADY_EXISTS / NOT_FOUND errors. */
export interface StorageOpContext {
  op: string;
  entity?: string;
  id?: string;
}

/** Converts anything a storage call threw into a FlowError. */
export function toStorageError(err: unknown, ctx: StorageOpContext): FlowError {
  if (err instanceof FlowError) return err;
  const e = (err ?? {}) as PrismaLikeError;
  if (e.code === "P2002" && ctx.entity) return new AlreadyExistsError(ctx.entity, ctx.id ?? "?");
  if (e.code === "P2025" && ctx.entity) return new NotFoundError(ctx.entity, ctx.id ?? "?");
  const detail = (e.message ?? String(err)).split("\n").filter((l) => l.trim().length > 0).slice(-1)[0] ?? "unknown error";
  return new StorageError(`storage ${ctx.op} failed: ${detail}`, err);
}

/** Runs a storage operation, mapping its failure through {@link toStorageError}. */
export async function guard<T>(ctx: StorageOpContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStorageError(err, ctx);
  }
}

/** Parses a JSON column; a corrupt value is a StorageError naming the column, not a crash later. */
export function parseJsonColumn<T>(text: string | null, column: string): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new StorageError(`column ${column} holds invalid JSON`, err);
  }
}
