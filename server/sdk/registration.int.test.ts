/**
 * A built-in process against the real control plane (ComponentRegistry behind the gRPC server):
 * registration (retried until the control plane is up), metadata offering the batched wire,
 * heartbeats with metrics, and Unregister on SIGTERM.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startControlPlane, type ControlPlaneHandle } from "../control-plane/control-plane.server";
import { ComponentRegistry, type RegistryChange } from "../control-plane/registry";
import { BATCH_WIRE_METADATA_KEY, BATCH_WIRE_V1, METRICS_PORT_METADATA_KEY } from "../wire/protos";
import { closeClients, httpGet, killAll, runBuiltinExpectingExit, startBuiltin, waitFor } from "./__tests__/component-process";

let cp: ControlPlaneHandle | undefined;
afterEach(async () => {
  closeClients();
  await killAll();
  await cp?.close({ graceMs: 500 });
  cp = undefined;
});

/** A port that was free a moment ago (the control plane starts on it later). */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("registration with the control plane", () => {
  it("retries until the control plane is up, registers with wire metadata, heartbeats metrics, unregisters on SIGTERM", async () => {
    const registry = new ComponentRegistry();
    const changes: RegistryChange["type"][] = [];
    registry.subscribe((c) => changes.push(c.type));
    const port = await freePort();
    const child = startBuiltin(
      "load-generator",
      { FLOWCTL_ENDPOINT: `127.0.0.1:${port}`, ENABLE_FLOWCTL: "true", FLOWCTL_COMPONENT_ID: "gen-7", FLOWCTL_HEARTBEAT_INTERVAL_MS: "200", EVENTS_PER_SECOND: "10" },
      { readyPattern: /control plane not reachable yet/ },
    );
    // The component is up but the control plane is not: it must keep retrying.
    const early = await child;
    cp = await startControlPlane({ registry, port, janitorIntervalMs: 60_000 });
    const registered = await waitFor(() => registry.findByComponentId("gen-7"), "registration");
    expect(registered.info.type).toBe("SOURCE");
    expect(registered.info.metadata[BATCH_WIRE_METADATA_KEY]).toBe(BATCH_WIRE_V1);
    expect(registered.info.outputEventTypes).toEqual(["flowctl.load.v1"]);
    const ready = await waitFor(() => /component ready .*port=(\d+) metricsPort=(\d+)/.exec(early.stderr()), "ready line");
    expect(registered.info.endpoint).toBe(`127.0.0.1:${ready[1]}`);
    expect(registered.info.metadata[METRICS_PORT_METADATA_KEY]).toBe(ready[2]);
    expect((await httpGet(Number(ready[2]), "/metrics")).body).toContain('component_id="gen-7"');

    await waitFor(() => registry.get("gen-7")?.metrics.events_processed !== undefined, "a heartbeat with metrics");
    expect(registry.get("gen-7")!.status).toBe("HEALTHY");

    early.kill("SIGTERM");
    expect(await early.exited).toBe(0);
    expect(registry.get("gen-7")).toBeUndefined();
    expect(changes).toContain("registered");
    expect(changes).toContain("heartbeat");
    expect(changes.at(-1)).toBe("unregistered");
  });

  it("sends FLOWCTL_TOKEN to a control plane that requires it, and exits 1 when rejected", async () => {
    const registry = new ComponentRegistry();
    const token = "s3cret-token-for-tests-0123";
    cp = await startControlPlane({ registry, port: 0, token, janitorIntervalMs: 60_000 });
    const ok = await startBuiltin("blackhole", { FLOWCTL_ENDPOINT: cp.endpoint, FLOWCTL_COMPONENT_ID: "sink-a", FLOWCTL_TOKEN: token });
    expect(registry.findByComponentId("sink-a")?.info.type).toBe("CONSUMER");
    ok.kill("SIGTERM");
    expect(await ok.exited).toBe(0);

    const rejected = await runBuiltinExpectingExit("blackhole", { FLOWCTL_ENDPOINT: cp.endpoint, FLOWCTL_COMPONENT_ID: "sink-b" });
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/rejected registration: .*bearer token/);
  });

  it("exits 0 on SIGTERM while still waiting for the control plane", async () => {
    const port = await freePort();
    const p = await startBuiltin("blackhole", { FLOWCTL_ENDPOINT: `127.0.0.1:${port}` }, { readyPattern: /control plane not reachable yet/ });
    p.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });
});
