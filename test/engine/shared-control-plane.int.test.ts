/**
 * Many runs on one control plane, as the console runs them: a shared control plane in this process
 * (one registry, one store) and two runs of the same pipeline at once; and two runs of one pipeline
 * on one external control plane. Same component ids never overwrite or unregister each other,
 * StopPipelineRun reaches the run that owns the id, and only the process the engine spawned may
 * register as an instance of its run.
 */
import fs from "node:fs";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { startControlPlane, type ControlPlaneHandle } from "../../server/control-plane/control-plane.server";
import { ComponentRegistry } from "../../server/control-plane/registry";
import { callUnary, loadIndependentProtos } from "../../server/control-plane/test-support/independent-client";
import { ownedRunController, type EngineEvent, type RunHandle } from "../../server/engine/run-pipeline";
import { openStore, type Store } from "../../server/storage/store";
import { readCount, startRun, tempDir, waitFor, writePipeline } from "./engine-harness";

const runs: RunHandle[] = [];
const planes: ControlPlaneHandle[] = [];
const stores: Store[] = [];
const clients: grpc.Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(runs.splice(0).map((r) => r.stop("test cleanup")));
  await Promise.all(planes.splice(0).map((p) => p.close()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/** An endless built-in pipeline: load-generator → blackhole (SDK components, batched wire). */
function builtinPipeline(dir: string): { file: string; yaml: string } {
  const yaml = [
    "apiVersion: flowctl/v1",
    "kind: Pipeline",
    "metadata: { name: twin }",
    "spec:",
    "  sources:",
    "    - id: gen",
    "      type: load-generator",
    "      env: { EVENTS_PER_SECOND: 200, EVENT_SIZE_BYTES: 64 }",
    "  sinks:",
    "    - id: out",
    "      type: blackhole",
    "      inputs: [gen]",
    "",
  ].join("\n");
  const file = path.join(dir, "twin.yaml");
  fs.writeFileSync(file, yaml);
  return { file, yaml };
}

async function sharedPlane(dir: string): Promise<{ registry: ComponentRegistry; cp: ControlPlaneHandle; store: Store }> {
  const store = await openStore({ databaseUrl: `file:${path.join(dir, "flowctl.db")}` });
  stores.push(store);
  const registry = new ComponentRegistry();
  const cp = await startControlPlane({ port: 0, registry, store, runController: ownedRunController });
  planes.push(cp);
  return { registry, cp, store };
}

const keys = (r: ComponentRegistry) => r.list({ includeUnhealthy: true }).map((c) => c.serviceId).sort();

describe("a shared control plane", () => {
  it("runs two runs of one pipeline at once; StopPipelineRun stops the one it names, and each unregisters only its own components", async () => {
    const dir = tempDir();
    const { registry, cp, store } = await sharedPlane(dir);
    const { file, yaml } = builtinPipeline(dir);
    const version = await store.pipelines.saveVersion("twin", yaml);
    const shared = { mode: "shared" as const, endpoint: cp.endpoint, registry };
    const a = await startRun(file, { store, controlPlane: shared, pipelineVersionId: version.id, registrationTimeoutMs: 60_000 });
    runs.push(a);
    const b = await startRun(file, { store, controlPlane: shared, registrationTimeoutMs: 60_000 });
    runs.push(b);
    await waitFor("both runs RUNNING", () => a.state === "running" && b.state === "running", 90_000);
    expect(keys(registry)).toEqual([`gen@${a.runId}`, `gen@${b.runId}`, `out@${a.runId}`, `out@${b.runId}`].sort());
    // Each run connected to its own instances.
    const endpoint = (h: RunHandle, id: string) => h.topology().components.find((c) => c.id === id)!.instances[0]!.endpoint;
    expect(endpoint(a, "out")).not.toBe(endpoint(b, "out"));
    await waitFor("events at both sinks", () => [a, b].every((h) => h.snapshot().find((c) => c.id === "out")!.eventsIn > 0), 30_000);

    const protos = loadIndependentProtos();
    const legacy = new protos.ControlPlane(cp.endpoint, grpc.credentials.createInsecure());
    clients.push(legacy);
    const stopped = await callUnary<{ status: string }>(legacy, "StopPipelineRun", { run_id: a.runId }, undefined, 60_000);
    expect(stopped.status).toBe("RUN_STATUS_STOPPED");
    expect((await a.done).status).toBe("STOPPED");
    expect(b.state).toBe("running");
    expect(keys(registry)).toEqual([`gen@${b.runId}`, `out@${b.runId}`].sort());
    const before = b.snapshot().find((c) => c.id === "out")!.eventsIn;
    await waitFor("the other run still delivering", () => b.snapshot().find((c) => c.id === "out")!.eventsIn > before, 30_000);

    expect((await store.runs.get(a.runId))!.pipelineVersionId).toBe(version.id);
    expect((await store.runs.get(b.runId))!.pipelineVersionId).toBeNull();
    expect((await b.stop("test")).status).toBe("STOPPED");
    expect(keys(registry)).toEqual([]);
  });

  it("keeps each instance's recent output, tagged by stream, and streams new lines live", async () => {
    const dir = tempDir();
    const { registry, cp } = await sharedPlane(dir);
    const { file } = builtinPipeline(dir);
    const handle = await startRun(file, { controlPlane: { mode: "shared", endpoint: cp.endpoint, registry }, registrationTimeoutMs: 60_000, logBuffer: { maxLines: 5 } });
    runs.push(handle);
    const live: string[] = [];
    handle.onLog((l) => live.push(`${l.instanceId} ${l.stream}`));
    await waitFor("the sink's ready line", () => handle.logs("out").some((l) => l.line.includes("component ready")), 60_000);
    // The SDK logs to stderr; nothing it printed is mistaken for stdout.
    expect(handle.logs("out").every((l) => l.stream === "stderr")).toBe(true);
    expect(handle.logs("out", { tail: 1 })).toHaveLength(1);
    expect(handle.logs("gen").length).toBeLessThanOrEqual(5);
    expect(live).toContain("out stderr");
    expect(() => handle.logs("nope")).toThrow(/not found/);
  });

  it("refuses a registration claiming the run with a wrong proof, and takes a foreign one only on the port it assigned", async () => {
    const dir = tempDir();
    const { registry, cp } = await sharedPlane(dir);
    const sinkCount = path.join(dir, "sink.count");
    // A foreign sink that never registers: the test registers for it, as an impostor would.
    const { file } = writePipeline(dir, {
      name: "impostor",
      sources: [{ id: "src", env: { EVENTS_PER_SECOND: 200 } }],
      sinks: [{ id: "sink", inputs: ["src"], env: { NO_REGISTER: 1, COUNT_FILE: sinkCount } }],
    });
    const handle = await startRun(file, { controlPlane: { mode: "shared", endpoint: cp.endpoint, registry } });
    runs.push(handle);
    const events: EngineEvent[] = [];
    handle.onEvent((e) => events.push(e));
    const protos = loadIndependentProtos();
    const client = new protos.ControlPlaneService(cp.endpoint, grpc.credentials.createInsecure());
    clients.push(client);
    const info = (endpoint: string, metadata: Record<string, string> = {}) => ({ component: { id: "sink", type: "COMPONENT_TYPE_CONSUMER", endpoint, metadata }, component_id: "sink" });

    await expect(callUnary(client, "RegisterComponent", info("127.0.0.1:1", { flowctl_run_id: handle.runId, "flowctl.instance_proof": "0".repeat(64) }))).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
    });
    expect(registry.list({ includeUnhealthy: true }).some((c) => c.info.endpoint === "127.0.0.1:1")).toBe(false);

    await callUnary(client, "RegisterComponent", info("127.0.0.1:1"));
    await waitFor("the engine to refuse the wrong port", () => events.some((e) => e.type === "component.registration_refused" && e.componentId === "sink"), 30_000);
    expect(handle.state).toBe("starting");

    // The port the engine assigned is in the process's environment (PORT).
    let pid: number | undefined;
    await waitFor("the sink process", () => (pid = handle.topology().components.find((c) => c.id === "sink")!.instances[0]!.pid) !== undefined);
    const port = /(?:^|\0)PORT=(\d+)/.exec(fs.readFileSync(`/proc/${pid}/environ`, "latin1"))![1]!;
    await callUnary(client, "RegisterComponent", info(`127.0.0.1:${port}`));
    await waitFor("RUNNING", () => handle.state === "running", 30_000);
    await waitFor("events at the real sink", () => readCount(sinkCount) > 0, 30_000);
  });
});

describe("an external control plane", () => {
  it("keeps two runs of one pipeline apart: neither takes nor unregisters the other's components", async () => {
    const dir = tempDir();
    const registry = new ComponentRegistry();
    const cp = await startControlPlane({ port: 0, registry });
    planes.push(cp);
    const { file } = builtinPipeline(dir);
    const external = { mode: "external" as const, endpoint: cp.endpoint };
    const a = await startRun(file, { controlPlane: external, registrationTimeoutMs: 60_000 });
    runs.push(a);
    const b = await startRun(file, { controlPlane: external, registrationTimeoutMs: 60_000 });
    runs.push(b);
    await waitFor("both runs RUNNING", () => a.state === "running" && b.state === "running", 90_000);
    const mine = (h: RunHandle) => registry.list({ includeUnhealthy: true }).filter((c) => c.serviceId.endsWith(`@${h.runId}`));
    for (const h of [a, b]) {
      const outEndpoint = h.topology().components.find((c) => c.id === "out")!.instances[0]!.endpoint;
      expect(mine(h).find((c) => c.info.id === "out")!.info.endpoint).toBe(outEndpoint);
    }
    expect((await a.stop("test")).status).toBe("STOPPED");
    expect(keys(registry)).toEqual([`gen@${b.runId}`, `out@${b.runId}`].sort());
    const before = b.snapshot().find((c) => c.id === "out")!.eventsIn;
    await waitFor("the other run still delivering", () => b.snapshot().find((c) => c.id === "out")!.eventsIn > before, 30_000);
  });
});
