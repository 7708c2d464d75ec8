/**
 * Restart with the SQLite file kept (registry snapshot and runs survive; runs of a dead owner become
 * INTERRUPTED), plus the standard health service and server reflection.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../storage/store";
import { startControlPlane, type ControlPlaneHandle } from "./control-plane.server";
import { ComponentRegistry } from "./registry";
import { callUnary, loadIndependentProtos } from "./test-support/independent-client";

const protos = loadIndependentProtos();
let dir: string;
let dbUrl: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-cp-restart-"));
  dbUrl = `file:${path.join(dir, "flowctl.db")}`;
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ store: Store; cp: ControlPlaneHandle; v1: grpc.Client; legacy: grpc.Client; health: grpc.Client }> {
  const store = await openStore({ databaseUrl: dbUrl });
  const cp = await startControlPlane({ address: "127.0.0.1", port: 0, registry: new ComponentRegistry({ heartbeatTtlMs: 600_000 }), store });
  const v1 = new protos.ControlPlaneService(`127.0.0.1:${cp.port}`, grpc.credentials.createInsecure());
  const legacy = new protos.ControlPlane(`127.0.0.1:${cp.port}`, grpc.credentials.createInsecure());
  const health = new protos.Health(`127.0.0.1:${cp.port}`, grpc.credentials.createInsecure());
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const c of [v1, legacy, health]) c.close();
    await cp.close({ graceMs: 1_000 });
    await store.close();
  };
  cleanups.push(stop);
  return { store, cp, v1, legacy, health };
}

describe("control-plane restart", () => {
  it("keeps the registry and runs in the SQLite file; runs of a dead owner become INTERRUPTED", async () => {
    const first = await start();
    await callUnary(first.v1, "RegisterComponent", { component: { id: "keep-me", type: "COMPONENT_TYPE_SOURCE", endpoint: ":7000", output_event_types: ["a.v1"], metadata: { k: "v" } } });
    await callUnary(first.v1, "Heartbeat", { service_id: "keep-me", status: "HEALTH_STATUS_DEGRADED", metrics: { lag: "3" } });
    const done = await callUnary<{ run_id: string }>(first.legacy, "CreatePipelineRun", { pipeline_name: "p" });
    await callUnary(first.legacy, "UpdatePipelineRun", { run_id: done.run_id, status: "RUN_STATUS_RUNNING" });
    await callUnary(first.legacy, "UpdatePipelineRun", { run_id: done.run_id, status: "RUN_STATUS_COMPLETED" });
    // A run whose engine process died (its pid is gone).
    const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid;
    const orphan = await first.store.runs.create({ pipelineName: "p", status: "RUNNING", owner: `${os.hostname()}:${deadPid}` });
    await cleanups.pop()!();

    const second = await start();
    const st = await callUnary<{ component: { id: string; endpoint: string; metadata: Record<string, string> }; status: string; metrics: Record<string, string> }>(second.v1, "GetComponentStatus", { service_id: "keep-me" });
    expect(st).toMatchObject({ component: { id: "keep-me", endpoint: "127.0.0.1:7000", metadata: { k: "v" } }, status: "HEALTH_STATUS_DEGRADED", metrics: { lag: "3" } });
    const runs = await callUnary<{ runs: { run_id: string; status: string; error: string }[] }>(second.legacy, "ListPipelineRuns", { limit: -1 });
    expect(runs.runs.find((r) => r.run_id === done.run_id)?.status).toBe("RUN_STATUS_COMPLETED");
    // INTERRUPTED has no legacy wire value: FAILED with the reason in `error`.
    expect(runs.runs.find((r) => r.run_id === orphan.runId)).toMatchObject({ status: "RUN_STATUS_FAILED", error: expect.stringContaining("interrupted") });
    expect((await second.store.runs.get(orphan.runId))?.status).toBe("INTERRUPTED");

    // Unregistration is persisted too.
    await callUnary(second.v1, "UnregisterComponent", { service_id: "keep-me" });
    await cleanups.pop()!();
    const third = await start();
    await expect(callUnary(third.v1, "GetComponentStatus", { service_id: "keep-me" })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it("serves grpc.health.v1.Health and server reflection", async () => {
    const { cp, health } = await start();
    expect(await callUnary(health, "Check", { service: "" })).toEqual({ status: "SERVING" });
    expect(await callUnary(health, "Check", { service: "flowctl.ControlPlane" })).toEqual({ status: "SERVING" });
    await expect(callUnary(health, "Check", { service: "no.such.Service" })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });

    const reflectionProto = path.join(path.dirname(createRequire(import.meta.url).resolve("@grpc/reflection/package.json")), "build/proto/grpc/reflection/v1/reflection.proto");
    const defs = protoLoader.loadSync(reflectionProto, { keepCase: true, defaults: true });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- dynamic package object from proto-loader
    const Reflection = (grpc.loadPackageDefinition(defs) as any).grpc.reflection.v1.ServerReflection as grpc.ServiceClientConstructor;
    const client = new Reflection(`127.0.0.1:${cp.port}`, grpc.credentials.createInsecure());
    try {
      const names = await new Promise<string[]>((resolve, reject) => {
        const call = (client as unknown as { ServerReflectionInfo: () => grpc.ClientDuplexStream<unknown, { list_services_response?: { service: { name: string }[] } }> }).ServerReflectionInfo();
        call.on("data", (res: { list_services_response?: { service: { name: string }[] } }) => {
          resolve((res.list_services_response?.service ?? []).map((s: { name: string }) => s.name));
          call.end();
        });
        call.on("error", reject);
        call.write({ list_services: "*" });
      });
      expect(names).toEqual(expect.arrayContaining(["flowctl.v1.ControlPlaneService", "flowctl.ControlPlane", "grpc.health.v1.Health"]));
    } finally {
      client.close();
    }
  });
});
