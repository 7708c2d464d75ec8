/** startComponent in-process: lifecycle states, HTTP/2 windows, endpoints with metrics disabled. */
import http2 from "node:http2";
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { DATA_PLANE_CHANNEL_OPTIONS, dataPlaneServices, FLOW_CONTROL_WINDOW_BYTES } from "../wire/event-codec";
import { createEvent } from "./event";
import { defineProcessor } from "./define";
import { startComponent, type RunningComponent } from "./run-component";
import { silentLogger } from "../core/logger";

const env = { PORT: "127.0.0.1:0", METRICS_PORT: "0", HEALTH_PORT: "0" };
let running: RunningComponent | undefined;
const clients: grpc.Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await running?.stop();
  running = undefined;
});

const upper = defineProcessor({
  name: "upper",
  process: (e) => createEvent({ id: e.id, type: e.type.toUpperCase(), payload: Buffer.from(e.payload) }),
});

describe("startComponent", () => {
  it("serves, advertises 4 MiB HTTP/2 windows, processes over the batched wire and stops cleanly", async () => {
    running = await startComponent(upper, { env, logger: silentLogger });
    expect(running.state).toBe("running");

    const session = http2.connect(`http://127.0.0.1:${running.port}`);
    const settings = await new Promise<http2.Settings>((r) => session.once("remoteSettings", r));
    expect(settings.initialWindowSize).toBe(FLOW_CONTROL_WINDOW_BYTES);
    session.close();

    const C = grpc.makeGenericClientConstructor(dataPlaneServices.batchProcessor, "BatchProcessor");
    const client = new C(`127.0.0.1:${running.port}`, grpc.credentials.createInsecure(), DATA_PLANE_CHANNEL_OPTIONS);
    clients.push(client);
    const call = (client as unknown as { ProcessBatches(): grpc.ClientDuplexStream<unknown, { sequence: number; events: { type: string }[] }> }).ProcessBatches();
    const got = new Promise<{ sequence: number; events: { type: string }[] }>((resolve, reject) => {
      call.once("data", resolve);
      call.once("error", reject);
    });
    call.write({ sequence: 5, events: [createEvent({ type: "abc", payload: "x" })] });
    expect(await got).toMatchObject({ sequence: 5, events: [{ type: "ABC" }] });
    call.end();

    const stopping = running.stop("test");
    expect(running.state).toBe("draining");
    await stopping;
    expect(running.state).toBe("stopped");
    await running.done;
  });

  it("with ENABLE_METRICS=false serves health but no /metrics", async () => {
    running = await startComponent(upper, { env: { ...env, ENABLE_METRICS: "false" }, logger: silentLogger });
    expect(running.metricsPort).toBeUndefined();
    const health = await fetch(`http://127.0.0.1:${running.healthPort}/health`);
    expect(((await health.json()) as { status: string }).status).toBe("HEALTHY");
    expect((await fetch(`http://127.0.0.1:${running.healthPort}/metrics`)).status).toBe(404);
  });

  it("fails to start with an error naming the variable when a port is taken", async () => {
    running = await startComponent(upper, { env, logger: silentLogger });
    await expect(startComponent(upper, { env: { ...env, HEALTH_PORT: String(running.healthPort), METRICS_PORT: "0" }, logger: silentLogger })).rejects.toThrow(
      /^HEALTH_PORT: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/,
    );
    await expect(startComponent(upper, { env: { ...env, PORT: `127.0.0.1:${running.port}` }, logger: silentLogger })).rejects.toThrow(/^PORT: gRPC server cannot listen on 127\.0\.0\.1:\d+/);
  });
});

describe("startComponent failure", () => {
  it("runs teardown when start fails after setup", async () => {
    const calls: string[] = [];
    const def = defineProcessor({
      name: "res",
      setup: () => void calls.push("setup"),
      teardown: () => void calls.push("teardown"),
      process: (e) => e,
    });
    running = await startComponent(upper, { env, logger: silentLogger });
    await expect(startComponent(def, { env: { ...env, PORT: `127.0.0.1:${running.port}` }, logger: silentLogger })).rejects.toThrow(/PORT/);
    expect(calls).toEqual(["setup", "teardown"]);
  });
});
