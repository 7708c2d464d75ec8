/**
 * Entry of the router worker thread: receives the topology and instance updates from the engine,
 * runs {@link RouterCore}, posts stats and lifecycle messages back. Compiled, the engine starts
 * dist/engine/router/router-worker.js; from sources, router-worker-bootstrap.mjs (tsx) loads this.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createHopTracer } from "../../wire/hop-trace";
import { RouterCore } from "./router-core";
import type { HostToRouter, RouterInit, RouterToHost } from "./protocol";

if (!parentPort) throw new Error("router-worker must run in a worker thread");
const port = parentPort;
const init = workerData as RouterInit;
const post = (msg: RouterToHost) => port.postMessage(msg);

let core: RouterCore;
try {
  core = new RouterCore(init, post, createHopTracer("router"));
} catch (err) {
  post({ type: "log", level: "error", msg: `router failed to start: ${String(err)}` });
  throw err;
}

port.on("message", (msg: HostToRouter) => {
  try {
    core.handle(msg);
  } catch (err) {
    post({ type: "log", level: "error", msg: `router error handling ${msg.type}: ${err instanceof Error ? err.stack ?? err.message : String(err)}` });
  }
});
port.on("close", () => core.dispose());
