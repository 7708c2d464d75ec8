/**
 * A component started by the engine listens on loopback only (HOST) and serves its data plane only
 * to callers presenting the instance secret (or the run's token); across machines (off-loopback)
 * FLOWCTL_TOKEN is required on every data-plane call.
 */
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { listeningAddresses } from "../../test/support/listening";
import { silentLogger } from "../core/logger";
import { bearerMetadata } from "../wire/bearer";
import { DATA_PLANE_CHANNEL_OPTIONS, dataPlaneServices } from "../wire/event-codec";
import { compileRuntimeConfig } from "./config";
import { defineSource } from "./define";
import { createEvent } from "./event";
import { startComponent, type RunningComponent } from "./run-component";

let running: RunningComponent | undefined;
const clients: grpc.Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await running?.stop();
  running = undefined;
});

const ticks = defineSource({
  name: "ticks",
  async *produce(ctx) {
    for (let i = 0; !ctx.signal.aborted; i++) {
      yield createEvent({ type: "tick", payload: String(i) });
      await ctx.sleep(5);
    }
  },
});

/** Opens StreamEvents with `md` and resolves with the first event or the error. */
function firstEvent(port: number, md: grpc.Metadata): Promise<{ event?: unknown; code?: number }> {
  const C = grpc.makeGenericClientConstructor(dataPlaneServices.source, "Source");
  const client = new C(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), DATA_PLANE_CHANNEL_OPTIONS);
  clients.push(client);
  const call = (client as unknown as { StreamEvents(req: object, md: grpc.Metadata): grpc.ClientReadableStream<unknown> }).StreamEvents({ params: {} }, md);
  return new Promise((resolve) => {
    call.once("data", (event) => {
      resolve({ event });
      call.cancel();
    });
    call.once("error", (err: grpc.ServiceError) => resolve({ code: err.code }));
  });
}

describe("component data-plane security", () => {
  it("binds every port to HOST and refuses data-plane calls without the instance secret", async () => {
    running = await startComponent(ticks, { env: { HOST: "127.0.0.1", PORT: "0", METRICS_PORT: "0", HEALTH_PORT: "0", FLOWCTL_INSTANCE_SECRET: "s3cret-of-this-spawn" }, logger: silentLogger });
    for (const port of [running.port, running.metricsPort!, running.healthPort]) expect(listeningAddresses(port)).toEqual(["127.0.0.1"]);
    expect(await firstEvent(running.port, new grpc.Metadata())).toEqual({ code: grpc.status.UNAUTHENTICATED });
    expect(await firstEvent(running.port, bearerMetadata("guess"))).toEqual({ code: grpc.status.UNAUTHENTICATED });
    expect((await firstEvent(running.port, bearerMetadata("s3cret-of-this-spawn"))).event).toMatchObject({ type: "tick" });
    // Health probes stay open.
    const C = grpc.makeGenericClientConstructor(dataPlaneServices.source, "Source");
    const client = new C(`127.0.0.1:${running.port}`, grpc.credentials.createInsecure());
    clients.push(client);
    const health = await new Promise<{ status: string }>((resolve, reject) =>
      (client as unknown as { HealthCheck(r: object, cb: (e: Error | null, r: { status: string }) => void): void }).HealthCheck({}, (e, r) => (e ? reject(e) : resolve(r))),
    );
    expect(health.status).toBe("HEALTH_STATUS_HEALTHY");
  });

  it("requires FLOWCTL_TOKEN on the data plane when listening off-loopback, and nothing on loopback without a secret", () => {
    const cfg = (env: Record<string, string>) => compileRuntimeConfig(env, "x");
    expect(cfg({ FLOWCTL_TOKEN: "t".repeat(16) }).dataPlaneCredentials).toEqual(["t".repeat(16)]);
    expect(cfg({ FLOWCTL_TOKEN: "t".repeat(16), HOST: "127.0.0.1" }).dataPlaneCredentials).toEqual([]);
    expect(cfg({ FLOWCTL_TOKEN: "t".repeat(16), PORT: "localhost:5000" }).dataPlaneCredentials).toEqual([]);
    expect(cfg({ FLOWCTL_INSTANCE_SECRET: "s", FLOWCTL_TOKEN: "t" }).dataPlaneCredentials).toEqual(["s", "t"]);
    expect(cfg({}).dataPlaneCredentials).toEqual([]);
    // PORT's own host wins over HOST; HOST over the all-interfaces default.
    expect(cfg({ HOST: "127.0.0.1", PORT: "0.0.0.0:7000" }).listen).toEqual({ host: "0.0.0.0", port: 7000 });
    expect(cfg({ HOST: "127.0.0.1", PORT: "7000" }).listen).toEqual({ host: "127.0.0.1", port: 7000 });
    expect(cfg({}).listen).toEqual({ host: "0.0.0.0", port: 50051 });
  });
});
