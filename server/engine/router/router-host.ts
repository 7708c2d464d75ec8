/**
 * The engine's side of the router: starts the worker thread (the compiled router-worker.js, or the
 * TypeScript through the tsx bootstrap when the engine itself runs from sources), forwards instance
 * updates, and surfaces the worker's messages as callbacks.
 */
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";
import { OperationalError } from "../../core/errors";
import type { HostToRouter, RouterInit, RouterStats, RouterToHost } from "./protocol";

export interface RouterCallbacks {
  stats(s: RouterStats): void;
  log(level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>): void;
  nodeEnded(id: string): void;
  completed(drained: boolean): void;
  /** A data-plane stream failed (`attempt` = consecutive failures without progress; `protocol`: a malformed frame). */
  linkDown(instanceId: string, inflight: number, reason: string, attempt: number, protocol: boolean): void;
  /** An event too large for one data-plane message was rejected. */
  rejected(instanceId: string, bytes: number, reason: string): void;
  /** The worker died: the data plane is gone. */
  failed(err: Error): void;
}

/**
 * The worker's entry beside this module: compiled (dist/) it is router-worker.js; from sources
 * (tests, the bench) worker threads inherit neither tsx nor vitest's transform, so a bootstrap
 * registers tsx first.
 */
const WORKER_ENTRY = new URL(import.meta.url.endsWith(".ts") ? "./router-worker-bootstrap.mjs" : "./router-worker.js", import.meta.url);

/**
 * Initial old-space size of the router's isolate, in MB. A worker's heap starts at a few MB, and
 * the router keeps a steady stream of queued events alive (promoted, with their external Buffers):
 * V8 then ran a full mark-compact every ~100 ms to stay under that small limit — pauses of 1–5 ms
 * that were the whole p99 (6 ms → 2 ms at 10k ev/s) and half the engine's CPU (`--trace-gc`).
 * Heap limits are read when an isolate is created, so setting the flag here affects only
 * isolates created later (the router workers), not the running main thread.
 */
const ROUTER_INITIAL_OLD_SPACE_MB = 64;

export class RouterHost {
  private readonly worker: Worker;
  private exited = false;
  private readonly exitPromise: Promise<void>;
  /** Resolves when the worker reported `completed` (its final stats come just before). */
  private readonly completedPromise: Promise<void>;
  private resolveCompleted!: () => void;

  constructor(init: RouterInit, cb: RouterCallbacks) {
    setFlagsFromString(`--initial-old-space-size=${ROUTER_INITIAL_OLD_SPACE_MB}`);
    this.completedPromise = new Promise((r) => (this.resolveCompleted = r));
    this.worker = new Worker(WORKER_ENTRY, { workerData: init, name: `flowctl-router-${init.pipeline}` });
    this.worker.on("message", (msg: RouterToHost) => {
      switch (msg.type) {
        case "stats":
          return cb.stats(msg);
        case "log":
          return cb.log(msg.level, msg.msg, msg.fields);
        case "nodeEnded":
          return cb.nodeEnded(msg.id);
        case "completed":
          this.resolveCompleted();
          return cb.completed(msg.drained);
        case "linkDown":
          return cb.linkDown(msg.instanceId, msg.inflight, msg.reason, msg.attempt, msg.protocol);
        case "rejected":
          return cb.rejected(msg.instanceId, msg.bytes, msg.reason);
        case "fatal":
          return cb.failed(new OperationalError(msg.reason, { retryable: false }));
        case "ready":
          return;
      }
    });
    this.worker.on("error", (err) => cb.failed(new OperationalError(`router worker failed: ${err.message}`, { cause: err })));
    this.exitPromise = new Promise((resolve) =>
      this.worker.once("exit", (code) => {
        this.exited = true;
        if (code !== 0 && code !== 1) cb.failed(new OperationalError(`router worker exited with code ${code}`));
        resolve();
      }),
    );
  }

  send(msg: HostToRouter): void {
    if (!this.exited) this.worker.postMessage(msg);
  }

  /**
   * Terminates the worker (every stream it holds is closed with it) — after its final stats, so
   * the run's account is complete (at most `waitMs` after an `abort`).
   */
  async close(waitMs = 2_000): Promise<void> {
    if (!this.exited) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.completedPromise, this.exitPromise, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    }
    if (!this.exited) await this.worker.terminate();
    await this.exitPromise;
  }
}
