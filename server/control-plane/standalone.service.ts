/**
 * The standalone control plane (`flowctl server`): opens the store, restores the registry, serves
 * until stopped, then closes the server before the store so the last snapshot write lands.
 */
import type { Logger } from "../core/logger";
import { openStore, type Store } from "../storage/store";
import type { TlsOptions } from "./auth";
import { startControlPlane, type ControlPlaneHandle } from "./control-plane.server";
import { ComponentRegistry } from "./registry";

/** Compiled options of {@link startStandaloneControlPlane}. */
export interface StandaloneControlPlaneOptions {
  address: string;
  port: number;
  token?: string;
  tls?: TlsOptions;
  /** SQLite URL or path; undefined → default location (or FLOWCTL_DATABASE_URL). */
  databaseUrl?: string;
  /** Keep nothing after exit (a temporary database). */
  persistence: boolean;
  heartbeatTtlMs: number;
  janitorIntervalMs: number;
  maxMessageBytes: number;
  logger: Logger;
}

/** A running standalone control plane. */
export interface StandaloneControlPlane {
  handle: ControlPlaneHandle;
  store: Store;
  registry: ComponentRegistry;
  /** Graceful stop: server first, then the store. Idempotent. */
  stop(): Promise<void>;
}

/** Opens the store and starts serving. */
export async function startStandaloneControlPlane(opts: StandaloneControlPlaneOptions): Promise<StandaloneControlPlane> {
  const store = await openStore({ databaseUrl: opts.persistence ? opts.databaseUrl : "file::memory:" });
  const registry = new ComponentRegistry({ heartbeatTtlMs: opts.heartbeatTtlMs });
  let handle: ControlPlaneHandle;
  try {
    handle = await startControlPlane({
      address: opts.address,
      port: opts.port,
      token: opts.token,
      tls: opts.tls,
      registry,
      store,
      janitorIntervalMs: opts.janitorIntervalMs,
      maxMessageBytes: opts.maxMessageBytes,
      logger: opts.logger,
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    handle,
    store,
    registry,
    stop: () =>
      (stopping ??= (async () => {
        try {
          await handle.close();
        } finally {
          await store.close();
        }
      })()),
  };
}
