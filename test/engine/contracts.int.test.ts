/**
 * The engine against the other modules as they are: the SDK's built-in components (batched wire),
 * StopPipelineRun through the embedded control plane (RunController), an external control plane,
 * and the run record / RunEvents in the store.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { ComponentRegistry } from "../../server/control-plane/registry";
import { startControlPlane, type ControlPlaneHandle } from "../../server/control-plane/control-plane.server";
import type { RunHandle } from "../../server/engine/run-pipeline";
import { openStore, type Store } from "../../server/storage/store";
import { services } from "../../server/wire/protos";
import { listeningAddresses } from "../support/listening";
import { bearerMetadata } from "../../server/wire/bearer";
import { dataPlaneServices } from "../../server/wire/event-codec";
import { readCount, startRun, tempDir, waitFor, writePipeline } from "./engine-harness";

const runs: RunHandle[] = [];
const stores: Store[] = [];
const planes: ControlPlaneHandle[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop("test cleanup")));
  await Promise.all(planes.splice(0).map((p) => p.close()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe("engine contracts", () => {
  it("runs the SDK's built-in components on the batched wire to completion", async () => {
    const dir = tempDir();
    const file = path.join(dir, "builtins.yaml");
    fs.writeFileSync(
      file,
      [
        "apiVersion: flowctl/v1",
        "kind: Pipeline",
        "metadata: { name: builtins }",
        "spec:",
        "  sources:",
        "    - id: gen",
        "      type: load-generator",
        "      env: { EVENTS_PER_SECOND: 0, EVENT_COUNT: 3000, EVENT_SIZE_BYTES: 128 }",
        "  processors:",
        "    - id: pass",
        "      type: passthrough",
        "      inputs: [gen]",
        "  sinks:",
        "    - id: out",
        "      type: file",
        "      inputs: [pass]",
        "      env: { FILE_PATH: out.jsonl }",
        "",
      ].join("\n"),
    );
    const handle = await startRun(file, { registrationTimeoutMs: 60_000 });
    runs.push(handle);
    const summary = await handle.done;
    expect(summary.error).toBeNull();
    expect(summary.status).toBe("COMPLETED");
    const lines = fs.readFileSync(path.join(dir, "out.jsonl"), "utf8").split("\n").filter(Boolean);
    expect(lines).toHaveLength(3000);
    expect(handle.topology().components.flatMap((c) => c.instances.map((i) => i.wire))).toEqual(["batch", "batch", "batch"]);
  });

  it("components it starts listen on loopback only and serve their data only to the engine", async () => {
    const dir = tempDir();
    const file = path.join(dir, "loopback.yaml");
    fs.writeFileSync(
      file,
      "apiVersion: flowctl/v1\nkind: Pipeline\nmetadata: { name: loopback }\nspec:\n  sources:\n    - id: gen\n      type: load-generator\n      env: { EVENTS_PER_SECOND: 100 }\n  sinks:\n    - id: out\n      type: blackhole\n      inputs: [gen]\n",
    );
    const handle = await startRun(file, { registrationTimeoutMs: 60_000 });
    runs.push(handle);
    await waitFor("events at the sink", () => handle.snapshot().find((c) => c.id === "out")!.eventsIn > 0, 60_000);
    for (const inst of handle.topology().components.flatMap((c) => c.instances)) {
      const port = Number(inst.endpoint!.split(":").at(-1));
      expect(listeningAddresses(port)).toEqual(["127.0.0.1"]);
      expect(listeningAddresses(inst.metricsPort!)).toEqual(["127.0.0.1"]);
    }
    // Anyone else on this machine asking the source for its events is refused.
    const gen = handle.topology().components.find((c) => c.id === "gen")!.instances[0]!;
    const C = grpc.makeGenericClientConstructor(dataPlaneServices.source, "Source");
    const client = new C(gen.endpoint!, grpc.credentials.createInsecure());
    const call = (client as unknown as { StreamEvents(req: object, md: grpc.Metadata): grpc.ClientReadableStream<unknown> }).StreamEvents({ params: {} }, bearerMetadata(undefined));
    const code = await new Promise<number>((resolve) => {
      call.once("data", () => resolve(-1));
      call.once("error", (err: grpc.ServiceError) => resolve(err.code));
    });
    client.close();
    expect(code).toBe(grpc.status.UNAUTHENTICATED);
  });

  it("StopPipelineRun on the embedded control plane stops the run it owns", async () => {
    const dir = tempDir();
    const store = await openStore({ databaseUrl: `file:${path.join(dir, "flowctl.db")}` });
    stores.push(store);
    const { file, yaml } = writePipeline(dir, { name: "stoppable", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 200 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
    const handle = await startRun(file, { store });
    runs.push(handle);
    await waitFor("RUNNING", () => handle.state === "running");
    const record = await store.runs.get(handle.runId);
    expect(record).toMatchObject({ status: "RUNNING", pipelineName: "stoppable", configYaml: yaml, componentIds: ["src", "sink"] });
    const Legacy = services.legacyControlPlane;
    const client = new Legacy(handle.topology().controlPlaneEndpoint!, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      StopPipelineRun(req: { runId: string }, cb: (err: grpc.ServiceError | null, res: { status: string }) => void): void;
    };
    const res = await new Promise<{ status: string }>((resolve, reject) => client.StopPipelineRun({ runId: handle.runId }, (err, r) => (err ? reject(err) : resolve(r))));
    client.close();
    expect(res.status).toBe("RUN_STATUS_STOPPED");
    const summary = await handle.done;
    expect(summary.status).toBe("STOPPED");
    const stored = await store.runs.get(handle.runId);
    expect(stored!.status).toBe("STOPPED");
    expect(stored!.endedAt).not.toBeNull();
    const types = (await store.runs.listEvents(handle.runId)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["run.status", "component.started", "component.registered", "component.exited"]));
  });

  it("marks runs left RUNNING by a dead engine INTERRUPTED when a run starts", async () => {
    const dir = tempDir();
    const store = await openStore({ databaseUrl: `file:${path.join(dir, "flowctl.db")}` });
    stores.push(store);
    // Owned by a process of this host that no longer exists (a pid above the kernel's pid_max).
    const orphan = await store.runs.create({ pipelineName: "old", status: "RUNNING", owner: `${os.hostname()}:999999999` });
    const { file } = writePipeline(dir, { name: "fresh", sources: [{ id: "src", env: { EVENT_COUNT: 10 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
    const handle = await startRun(file, { store });
    runs.push(handle);
    expect((await store.runs.get(orphan.runId))!.status).toBe("INTERRUPTED");
    expect((await handle.done).status).toBe("COMPLETED");
    expect((await store.runs.get(handle.runId))!.metrics!.eventsProcessed).toBe(10);
  });

  it("records health changes when heartbeats stop and resume", async () => {
    const dir = tempDir();
    const { file } = writePipeline(dir, {
      name: "health",
      sources: [{ id: "src", env: { EVENTS_PER_SECOND: 50 } }],
      sinks: [{ id: "sink", inputs: ["src"], env: { HEARTBEAT_PAUSE_AFTER_MS: 500, HEARTBEAT_PAUSE_MS: 3000 } }],
    });
    const handle = await startRun(file, { heartbeatIntervalMs: 200, controlPlane: { mode: "embedded", port: 0, heartbeatTtlMs: 1000 } });
    runs.push(handle);
    const seen: string[] = [];
    handle.onEvent((e) => {
      if (e.componentId === "sink" && (e.type === "component.unhealthy" || e.type === "component.healthy")) seen.push(e.type);
    });
    await waitFor("unhealthy then healthy again", () => seen.includes("component.unhealthy") && seen.lastIndexOf("component.healthy") > seen.indexOf("component.unhealthy"), 20_000);
    const up = await handle.metrics.registry.getSingleMetricAsString("flowctl_component_up");
    expect(up).toMatch(/component_id="sink"\} 1/);
  });

  it("forwards START_LEDGER/END_LEDGER as StreamRequest.params, as flowctl does", async () => {
    const dir = tempDir();
    const paramsFile = path.join(dir, "params.json");
    const { file } = writePipeline(dir, {
      name: "params",
      sources: [{ id: "src", env: { EVENT_COUNT: 5, START_LEDGER: 1000000, END_LEDGER: 1001000, PARAMS_FILE: paramsFile } }],
      sinks: [{ id: "sink", inputs: ["src"] }],
    });
    const handle = await startRun(file);
    runs.push(handle);
    expect((await handle.done).status).toBe("COMPLETED");
    expect(JSON.parse(fs.readFileSync(paramsFile, "utf8"))).toEqual({ start_ledger: "1000000", end_ledger: "1001000" });
  });

  it("a control plane that cannot listen fails the run before anything starts", async () => {
    const dir = tempDir();
    const store = await openStore({ databaseUrl: `file:${path.join(dir, "flowctl.db")}` });
    stores.push(store);
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { file } = writePipeline(dir, { name: "busy-port", sources: [{ id: "src", env: { EVENT_COUNT: 1 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
      await expect(startRun(file, { store, controlPlane: { mode: "embedded", port } })).rejects.toThrow(new RegExp(`control plane cannot listen on 127.0.0.1:${port}`));
      const [record] = await store.runs.list({ pipelineName: "busy-port" });
      expect(record).toMatchObject({ status: "FAILED" });
      expect(record!.error).toContain(String(port));
      expect(fs.existsSync(path.join(dir, ".flowctl", "logs"))).toBe(false);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("runs against an external control plane (--use-external-control-plane)", async () => {
    const dir = tempDir();
    const registry = new ComponentRegistry();
    const plane = await startControlPlane({ address: "127.0.0.1", port: 0, registry });
    planes.push(plane);
    const sinkCount = path.join(dir, "sink.count");
    const { file } = writePipeline(dir, { name: "external", sources: [{ id: "src", env: { EVENT_COUNT: 700 } }], sinks: [{ id: "sink", inputs: ["src"], env: { COUNT_FILE: sinkCount } }] });
    const handle = await startRun(file, { controlPlane: { mode: "external", endpoint: plane.endpoint } });
    runs.push(handle);
    const summary = await handle.done;
    expect(summary.status).toBe("COMPLETED");
    expect(readCount(sinkCount)).toBe(700);
    // The run's components are unregistered from the external registry at the end.
    await waitFor("components unregistered", () => registry.list({ includeUnhealthy: true }).length === 0, 10_000);
  });
});
