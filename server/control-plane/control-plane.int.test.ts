/**
 * The control plane over a real port, driven by a client built independently from the .proto
 * files (test-support/independent-client.ts): registry lifecycle, discovery, the legacy service
 * and run tracking, and bad input.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryChange } from "./registry";
import { ComponentRegistry } from "./registry";
import { startControlPlane, type ControlPlaneHandle } from "./control-plane.server";
import type { RunController } from "./run-tracking.service";
import { openStore, type Store } from "../storage/store";
import { callRaw, callUnary, loadIndependentProtos, waitFor } from "./test-support/independent-client";

const protos = loadIndependentProtos();
let dir: string;
let store: Store;
let registry: ComponentRegistry;
let cp: ControlPlaneHandle;
let v1: grpc.Client;
let legacy: grpc.Client;
let ttlRegistry: ComponentRegistry;
let ttlCp: ControlPlaneHandle;
let ttlV1: grpc.Client;
const changes: RegistryChange[] = [];
const stopCalls: string[] = [];
const ownedRuns = new Set<string>();

// The engine's side of StopPipelineRun: stops runs it owns (here: records the call and ends the run
// in the store, as the engine does when its run stops).
const runController: RunController = {
  async stopRun(runId) {
    if (!ownedRuns.has(runId)) return false;
    stopCalls.push(runId);
    await store.runs.update(runId, { status: "STOPPED" });
    return true;
  },
  ownsRun: (runId) => ownedRuns.has(runId),
};

function component(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `${id} name`,
    description: "",
    version: "1.0.0",
    type: "COMPONENT_TYPE_PROCESSOR",
    input_event_types: ["in.v1"],
    output_event_types: ["out.v1"],
    endpoint: ":50051",
    metadata: {},
    ...extra,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-cp-"));
  store = await openStore({ databaseUrl: `file:${path.join(dir, "cp.db")}` });
  // A TTL far longer than any test, so statuses only change when a test makes them change.
  registry = new ComponentRegistry({ heartbeatTtlMs: 600_000 });
  cp = await startControlPlane({ address: "127.0.0.1", port: 0, registry, store, runController, janitorIntervalMs: 100, maxMessageBytes: 64 * 1024 });
  v1 = new protos.ControlPlaneService(`127.0.0.1:${cp.port}`, grpc.credentials.createInsecure());
  legacy = new protos.ControlPlane(`127.0.0.1:${cp.port}`, grpc.credentials.createInsecure());
  // A second control plane with a short TTL for the expiry test.
  ttlRegistry = new ComponentRegistry({ heartbeatTtlMs: 1_000 });
  ttlRegistry.subscribe((c) => changes.push({ ...c, component: { ...c.component, metrics: { ...c.component.metrics } } }));
  ttlCp = await startControlPlane({ address: "127.0.0.1", port: 0, registry: ttlRegistry, janitorIntervalMs: 100 });
  ttlV1 = new protos.ControlPlaneService(`127.0.0.1:${ttlCp.port}`, grpc.credentials.createInsecure());
});

afterAll(async () => {
  v1?.close();
  legacy?.close();
  ttlV1?.close();
  await ttlCp?.close();
  await cp?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("flowctl.v1.ControlPlaneService", () => {
  it("register → heartbeat → list → TTL expiry → recovery by an UNKNOWN heartbeat → unregister", async () => {
    // Statuses on the short-TTL control plane depend on timing, so they are asserted through the
    // registry's change log (what happened, in order) rather than by sampling at a moment.
    const reg = await callUnary<{ service_id: string; assigned_topics: string[]; connection_info: Record<string, string> }>(ttlV1, "RegisterComponent", { component: component("proc-a") });
    expect(reg.service_id).toBe("proc-a");
    expect(reg.assigned_topics).toEqual(["out.v1"]);
    expect(reg.connection_info.control_plane_endpoint).toBe(`127.0.0.1:${ttlCp.port}`);

    await callUnary(ttlV1, "Heartbeat", { service_id: "proc-a", status: "HEALTH_STATUS_UNKNOWN", metrics: { processed: "5" } });
    await callUnary(ttlV1, "Heartbeat", { service_id: "proc-a", status: "HEALTH_STATUS_UNKNOWN", metrics: { errors: "0" } });
    const beats = changes.filter((c) => c.type === "heartbeat" && c.component.serviceId === "proc-a");
    expect(beats.map((c) => c.component.status)).toEqual(["HEALTHY", "HEALTHY"]);
    expect(beats[1]!.component.metrics).toEqual({ processed: "5", errors: "0" });
    const listed = await callUnary<{ components: { component: { id: string; endpoint: string }; metrics: Record<string, string> }[] }>(ttlV1, "ListComponents", { include_unhealthy: true });
    const mine = listed.components.find((c) => c.component.id === "proc-a");
    expect(mine).toMatchObject({ metrics: { processed: "5", errors: "0" }, component: { endpoint: "127.0.0.1:50051" } });

    // No heartbeats: the janitor marks it UNHEALTHY after the TTL; the default list then hides it.
    await waitFor("proc-a to expire", async () => {
      const s = await callUnary<{ status: string }>(ttlV1, "GetComponentStatus", { service_id: "proc-a" });
      return s.status === "HEALTH_STATUS_UNHEALTHY" ? true : undefined;
    });
    const healthyOnly = await callUnary<{ components: { component: { id: string } }[] }>(ttlV1, "ListComponents", { include_unhealthy: false });
    expect(healthyOnly.components.map((c) => c.component.id)).not.toContain("proc-a");

    // The Go SDK only ever sends UNKNOWN: any heartbeat proves liveness and restores HEALTHY.
    const before = changes.length;
    await callUnary(ttlV1, "Heartbeat", { service_id: "proc-a", status: "HEALTH_STATUS_UNKNOWN", metrics: {} });
    expect(changes.slice(before)).toContainEqual(expect.objectContaining({ type: "status", previous: "UNHEALTHY", component: expect.objectContaining({ serviceId: "proc-a", status: "HEALTHY" }) }));

    await callUnary(ttlV1, "UnregisterComponent", { service_id: "proc-a" });
    await expect(callUnary(ttlV1, "GetComponentStatus", { service_id: "proc-a" })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    await expect(callUnary(ttlV1, "Heartbeat", { service_id: "proc-a", status: "HEALTH_STATUS_UNKNOWN" })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it("reports STARTING, DEGRADED and STOPPING as sent; the default list keeps STARTING/DEGRADED", async () => {
    for (const [id, status] of [["st-starting", "HEALTH_STATUS_STARTING"], ["st-degraded", "HEALTH_STATUS_DEGRADED"], ["st-stopping", "HEALTH_STATUS_STOPPING"]] as const) {
      await callUnary(v1, "RegisterComponent", { component: component(id) });
      await callUnary(v1, "Heartbeat", { service_id: id, status, metrics: {} });
      expect((await callUnary<{ status: string }>(v1, "GetComponentStatus", { service_id: id })).status).toBe(status);
    }
    const dflt = await callUnary<{ components: { component: { id: string } }[] }>(v1, "ListComponents", {});
    const ids = dflt.components.map((c) => c.component.id);
    expect(ids).toEqual(expect.arrayContaining(["st-starting", "st-degraded"]));
    expect(ids).not.toContain("st-stopping");
    const all = await callUnary<{ components: { component: { id: string } }[] }>(v1, "ListComponents", { include_unhealthy: true });
    expect(all.components.map((c) => c.component.id)).toContain("st-stopping");
    for (const id of ["st-starting", "st-degraded", "st-stopping"]) await callUnary(v1, "UnregisterComponent", { service_id: id });
  });

  it("discovers by type, event types (OR) and metadata (AND)", async () => {
    await callUnary(v1, "RegisterComponent", { component: component("d-src", { type: "COMPONENT_TYPE_SOURCE", input_event_types: [], output_event_types: ["ledger.v1"], metadata: { net: "test", team: "a" } }) });
    await callUnary(v1, "RegisterComponent", { component: component("d-proc", { input_event_types: ["ledger.v1"], output_event_types: ["events.v1"], metadata: { net: "test", team: "b" } }) });
    await callUnary(v1, "RegisterComponent", { component: component("d-sink", { type: "COMPONENT_TYPE_CONSUMER", input_event_types: ["events.v1"], output_event_types: [], metadata: { net: "main" } }) });
    const ids = async (req: Record<string, unknown>) =>
      (await callUnary<{ components: { id: string }[] }>(v1, "DiscoverComponents", req)).components.map((c) => c.id).filter((id) => id.startsWith("d-")).sort();
    expect(await ids({})).toEqual(["d-proc", "d-sink", "d-src"]);
    expect(await ids({ type: "COMPONENT_TYPE_SOURCE" })).toEqual(["d-src"]);
    expect(await ids({ event_types: ["ledger.v1"] })).toEqual(["d-proc", "d-src"]);
    expect(await ids({ event_types: ["nothing", "events.v1"] })).toEqual(["d-proc", "d-sink"]);
    expect(await ids({ metadata_filters: { net: "test" } })).toEqual(["d-proc", "d-src"]);
    expect(await ids({ metadata_filters: { net: "test", team: "b" } })).toEqual(["d-proc"]);
    expect(await ids({ type: "COMPONENT_TYPE_CONSUMER", metadata_filters: { net: "test" } })).toEqual([]);
    for (const id of ["d-src", "d-proc", "d-sink"]) await callUnary(v1, "UnregisterComponent", { service_id: id });
  });

  it("rejects bad input with INVALID_ARGUMENT naming the field", async () => {
    await expect(callUnary(v1, "RegisterComponent", {})).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining("component") });
    await expect(callUnary(v1, "RegisterComponent", { component: component("") })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining("component.id") });
    await expect(callUnary(v1, "RegisterComponent", { component: component("x", { endpoint: "no-port" }) })).rejects.toMatchObject({ details: expect.stringContaining("component.endpoint") });
    await expect(callUnary(v1, "Heartbeat", { service_id: "" })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining("service_id") });
    // HeartbeatRequest{service_id: "x", status: 9}: a valid message with an enum value that does not exist.
    const unknownEnum = Buffer.from([0x0a, 0x01, 0x78, 0x10, 0x09]);
    await expect(callRaw(v1, "/flowctl.v1.ControlPlaneService/Heartbeat", unknownEnum)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining("status") });
  });

  it("rejects malformed and oversized messages with the right status, and keeps serving", async () => {
    // Field 1 (length-delimited) claiming far more bytes than follow.
    const malformed = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    await expect(callRaw(v1, "/flowctl.v1.ControlPlaneService/RegisterComponent", malformed)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining("malformed") });
    await expect(callUnary(v1, "RegisterComponent", { component: component("big", { description: "x".repeat(100 * 1024) }) })).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    const ok = await callUnary<{ service_id: string }>(v1, "RegisterComponent", { component: component("after-bad") });
    expect(ok.service_id).toBe("after-bad");
    await callUnary(v1, "UnregisterComponent", { service_id: "after-bad" });
  });
});

describe("flowctl.ControlPlane (legacy)", () => {
  it("Register, Heartbeat keeps metrics, GetServiceStatus and ListServices report real health", async () => {
    const ack = await callUnary<{ service_id: string; connection_info: Record<string, string> }>(legacy, "Register", {
      service_id: "leg-1",
      service_type: "SERVICE_TYPE_SINK",
      input_event_types: ["events.v1"],
      health_endpoint: "127.0.0.1:9000",
      metadata: { sink_name: "Postgres sink", version: "2.0.0" },
    });
    expect(ack.service_id).toBe("leg-1");
    await callUnary(legacy, "Heartbeat", { service_id: "leg-1", metrics: { events_written: 42.5 } });
    const st = await callUnary<Record<string, unknown>>(legacy, "GetServiceStatus", { service_id: "leg-1" });
    expect(st).toMatchObject({ service_id: "leg-1", component_id: "leg-1", service_type: "SERVICE_TYPE_SINK", is_healthy: true, metrics: { events_written: 42.5 } });
    expect(Number((st.last_heartbeat as { seconds: string }).seconds)).toBeGreaterThan(0);
    const v1Status = await callUnary<{ component: { name: string; version: string; type: string } }>(v1, "GetComponentStatus", { service_id: "leg-1" });
    expect(v1Status.component).toMatchObject({ name: "Postgres sink", version: "2.0.0", type: "COMPONENT_TYPE_CONSUMER" });
    const list = await callUnary<{ services: { service_id: string; is_healthy: boolean }[] }>(legacy, "ListServices", {});
    expect(list.services.find((s) => s.service_id === "leg-1")).toMatchObject({ is_healthy: true });
    await expect(callUnary(legacy, "GetServiceStatus", { service_id: "nope" })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    await callUnary(v1, "UnregisterComponent", { service_id: "leg-1" });

    // service_id ≠ component_id: heartbeats keyed by service_id, lookups by component id work too.
    await callUnary(legacy, "Register", { service_id: "svc-9", component_id: "comp-9", service_type: "SERVICE_TYPE_SOURCE" });
    await callUnary(legacy, "Heartbeat", { service_id: "svc-9", metrics: { n: 1 } });
    expect(await callUnary(legacy, "GetServiceStatus", { component_id: "comp-9" })).toMatchObject({ service_id: "svc-9", component_id: "comp-9", metrics: { n: 1 } });
    expect(await callUnary(v1, "GetComponentStatus", { service_id: "comp-9" })).toMatchObject({ component: { id: "comp-9" } });
    await callUnary(v1, "UnregisterComponent", { service_id: "svc-9" });
  });

  it("run lifecycle: create, update, get, list newest first with the limit after ordering, stop", async () => {
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await callUnary<{ run_id: string; status: string; pipeline_id: string; start_time: { seconds: string; nanos: number } }>(legacy, "CreatePipelineRun", { pipeline_name: "lifecycle", component_ids: ["src", "sink"] });
      expect(run).toMatchObject({ status: "RUN_STATUS_STARTING", pipeline_id: "lifecycle" });
      created.push(run.run_id);
      // Distinct start times so "newest first" is observable (ms resolution): wait for the clock to pass this start.
      const startedMs = Number(run.start_time.seconds) * 1000 + Math.floor(run.start_time.nanos / 1e6);
      await waitFor("the clock to pass the run's start", () => (Date.now() > startedMs ? true : undefined), 2_000, 1);
    }
    const [first, second, third] = created as [string, string, string];
    const updated = await callUnary<Record<string, unknown>>(legacy, "UpdatePipelineRun", {
      run_id: first,
      status: "RUN_STATUS_RUNNING",
      metrics: { events_processed: 1000, events_per_second: 50, bytes_processed: 2048, component_metrics: { src: { events_out: 1000 } } },
    });
    expect(updated).toMatchObject({ status: "RUN_STATUS_RUNNING", metrics: { events_processed: "1000", events_per_second: 50, component_metrics: { src: { events_out: "1000" } } } });

    const got = await callUnary<Record<string, unknown>>(legacy, "GetPipelineRun", { run_id: first });
    expect(got).toMatchObject({ run_id: first, pipeline_name: "lifecycle", component_ids: ["src", "sink"], status: "RUN_STATUS_RUNNING" });

    const listed = await callUnary<{ runs: { run_id: string }[] }>(legacy, "ListPipelineRuns", { pipeline_name: "lifecycle", limit: 2 });
    expect(listed.runs.map((r) => r.run_id)).toEqual([third, second]);
    const all = await callUnary<{ runs: { run_id: string }[] }>(legacy, "ListPipelineRuns", { pipeline_name: "lifecycle", limit: -1 });
    expect(all.runs.map((r) => r.run_id)).toEqual([third, second, first]);
    const running = await callUnary<{ runs: { run_id: string }[] }>(legacy, "ListPipelineRuns", { status: "RUN_STATUS_RUNNING", limit: -1 });
    expect(running.runs.map((r) => r.run_id)).toEqual([first]);

    // Not owned by the engine: only the record is marked STOPPED.
    const stopped = await callUnary<{ status: string; end_time: unknown }>(legacy, "StopPipelineRun", { run_id: first });
    expect(stopped.status).toBe("RUN_STATUS_STOPPED");
    expect(stopped.end_time).not.toBeNull();
    expect(stopCalls).not.toContain(first);
    await expect(callUnary(legacy, "StopPipelineRun", { run_id: first })).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    // Like upstream, a client may report any status for a run it reports itself.
    expect(await callUnary(legacy, "UpdatePipelineRun", { run_id: first, status: "RUN_STATUS_RUNNING" })).toMatchObject({ status: "RUN_STATUS_RUNNING" });

    // Owned by the engine: StopPipelineRun goes through the RunController.
    ownedRuns.add(second);
    const viaEngine = await callUnary<{ status: string }>(legacy, "StopPipelineRun", { run_id: second });
    expect(viaEngine.status).toBe("RUN_STATUS_STOPPED");
    expect(stopCalls).toEqual([second]);

    await expect(callUnary(legacy, "GetPipelineRun", { run_id: "missing" })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    await expect(callUnary(legacy, "CreatePipelineRun", { pipeline_name: "" })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining("pipeline_name") });
    await expect(callUnary(legacy, "CreatePipelineRun", { run_id: third, pipeline_name: "dup" })).rejects.toMatchObject({ code: grpc.status.ALREADY_EXISTS });
  });

  it("UpdatePipelineRun accepts a short run going straight from STARTING to COMPLETED, as upstream does; an owned run keeps its legal transitions", async () => {
    const reported = await callUnary<{ run_id: string }>(legacy, "CreatePipelineRun", { pipeline_name: "short" });
    const done = await callUnary<{ status: string; end_time: unknown }>(legacy, "UpdatePipelineRun", { run_id: reported.run_id, status: "RUN_STATUS_COMPLETED" });
    expect(done.status).toBe("RUN_STATUS_COMPLETED");
    expect(done.end_time).not.toBeNull();
    const owned = await callUnary<{ run_id: string }>(legacy, "CreatePipelineRun", { pipeline_name: "owned" });
    ownedRuns.add(owned.run_id);
    await expect(callUnary(legacy, "UpdatePipelineRun", { run_id: owned.run_id, status: "RUN_STATUS_COMPLETED" })).rejects.toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
      details: expect.stringContaining("illegal run transition"),
    });
  });

  it("ListPipelineRuns with limit 0 returns the newest 10", async () => {
    for (let i = 0; i < 12; i++) await callUnary(legacy, "CreatePipelineRun", { pipeline_name: "many" });
    const dflt = await callUnary<{ runs: unknown[] }>(legacy, "ListPipelineRuns", { pipeline_name: "many" });
    expect(dflt.runs).toHaveLength(10);
  });
});
