/** Measures the plain-grpc-js physical limits (chain with the engine's hops, and one hop). */
import { createServer } from "node:net";
import { cpuShare, sampleProc } from "../lib/proc-stats";
import { spawnTs, waitFor, type Role } from "../lib/spawn-role";

const NODE = "bench/limit/limit-node.ts";

export interface LimitResult {
  eventsPerSec: number;
  cpu: Record<string, number>;
  peakRssMb: Record<string, number>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Counts at the counting role over `seconds` after `warmupSeconds`. */
async function measure(roles: Record<string, Role>, counter: Role, warmupSeconds: number, seconds: number): Promise<LimitResult> {
  await waitFor(() => (counter.lastCount()?.count ?? 0) > 0, 30_000, "first events at the sink");
  await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
  const c0 = counter.lastCount()!;
  const s0 = Object.fromEntries(Object.entries(roles).map(([k, r]) => [k, sampleProc(r.child.pid!)]));
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const c1 = counter.lastCount()!;
  const elapsed = (Date.now() - t0) / 1000;
  const s1 = Object.fromEntries(Object.entries(roles).map(([k, r]) => [k, sampleProc(r.child.pid!)]));
  return {
    eventsPerSec: (c1.count - c0.count) / ((c1.t - c0.t) / 1000),
    cpu: Object.fromEntries(Object.keys(roles).map((k) => [k, cpuShare(s0[k], s1[k], elapsed)])),
    peakRssMb: Object.fromEntries(Object.keys(roles).map((k) => [k, s1[k]?.peakRssMb ?? 0])),
  };
}

/**
 * source → relay → processor → relay → sink, plain grpc-js, opaque bytes in the middle.
 * `mode` picks the chain (limit-node.ts): `ceiling` (pre-encoded batches, re-framing processor) or
 * `protobufjs` (the source encodes each batch, the processor echoes). `batchSize: 0` measures the
 * per-event shape (one serialized Event per message, protobufjs).
 */
export async function measureChainLimit(o: { batchSize: number; eventSize: number; warmupSeconds: number; seconds: number; mode?: "ceiling" | "protobufjs" }): Promise<LimitResult> {
  const [sp, pp, kp] = [await freePort(), await freePort(), await freePort()];
  const env = { LIMIT_MODE: o.mode ?? "protobufjs" };
  const roles: Record<string, Role> = {
    source: spawnTs(NODE, ["source", String(sp), String(o.batchSize), String(o.eventSize)], { env }),
    processor: spawnTs(NODE, ["processor", String(pp)], { env }),
    sink: spawnTs(NODE, ["sink", String(kp), ...(o.batchSize === 0 ? ["event"] : [])], { env }),
  };
  try {
    await Promise.all(Object.values(roles).map((r) => r.ready));
    roles.relay = spawnTs(NODE, ["relay", String(sp), String(pp), String(kp)], { env });
    return await measure(roles, roles.sink!, o.warmupSeconds, o.seconds);
  } finally {
    await Promise.all(Object.values(roles).map((r) => r.kill()));
  }
}

/** One client→server stream of the same batches. */
export async function measureSingleHopLimit(o: { batchSize: number; eventSize: number; warmupSeconds: number; seconds: number }): Promise<LimitResult> {
  const port = await freePort();
  const roles: Record<string, Role> = { server: spawnTs(NODE, ["hop-server", String(port), ...(o.batchSize === 0 ? ["event"] : [])]) };
  try {
    await roles.server!.ready;
    roles.client = spawnTs(NODE, ["hop-client", String(port), String(o.batchSize), String(o.eventSize)]);
    return await measure(roles, roles.server!, o.warmupSeconds, o.seconds);
  } finally {
    await Promise.all(Object.values(roles).map((r) => r.kill()));
  }
}
