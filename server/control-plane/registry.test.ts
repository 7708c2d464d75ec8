import { describe, expect, it } from "vitest";
import type { ComponentInfo } from "../core/registry";
import { ComponentRegistry } from "./registry";

function info(id: string, extra: Partial<ComponentInfo> = {}): ComponentInfo {
  return { id, name: id, description: "", version: "", type: "PROCESSOR", inputEventTypes: [], outputEventTypes: [], endpoint: "", metadata: {}, ...extra };
}

function clock(start = 0) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe("ComponentRegistry", () => {
  it("keys heartbeats by service id, merges metrics, and lets any heartbeat restore HEALTHY", () => {
    const c = clock(1_000);
    const r = new ComponentRegistry({ heartbeatTtlMs: 30_000, now: c.now });
    expect(r.register(info("a"), "svc-a").serviceId).toBe("svc-a");
    r.heartbeat("svc-a", "UNKNOWN", { x: "1" });
    r.heartbeat("svc-a", "DEGRADED", { y: "2" });
    expect(r.get("svc-a")).toMatchObject({ status: "DEGRADED", metrics: { x: "1", y: "2" } });
    c.advance(30_001);
    expect(r.expire().map((x) => x.serviceId)).toEqual(["svc-a"]);
    expect(r.get("svc-a")?.status).toBe("UNHEALTHY");
    expect(r.expire()).toEqual([]);
    r.heartbeat("svc-a", "UNKNOWN");
    expect(r.get("svc-a")?.status).toBe("HEALTHY");
    expect(r.findByComponentId("a")?.serviceId).toBe("svc-a");
    expect(() => r.heartbeat("nope", "UNKNOWN")).toThrow(/not found/);
  });

  it("lists HEALTHY/STARTING/DEGRADED by default and everything with includeUnhealthy", () => {
    const r = new ComponentRegistry();
    for (const [id, s] of [["h", "UNKNOWN"], ["s", "STARTING"], ["d", "DEGRADED"], ["u", "UNHEALTHY"], ["x", "STOPPING"]] as const) {
      r.register(info(id));
      r.heartbeat(id, s);
    }
    expect(r.list().map((c) => c.info.id)).toEqual(["d", "h", "s"]);
    expect(r.list({ includeUnhealthy: true }).map((c) => c.info.id)).toEqual(["d", "h", "s", "u", "x"]);
  });

  it("waitForRegistration ignores registrations older than `since` and resolves on a new one", async () => {
    const r = new ComponentRegistry();
    r.register(info("stale"));
    const since = new Date(Date.now() + 60_000);
    const waiting = r.waitForRegistration("stale", { since, timeoutMs: 10_000 });
    let settled = false;
    void waiting.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    const fresh = r.register(info("stale", { endpoint: "127.0.0.1:1" }));
    await expect(waiting).resolves.toBe(fresh);
  });

  it("waitForRegistration rejects on abort", async () => {
    const r = new ComponentRegistry();
    const ac = new AbortController();
    const p = r.waitForRegistration("never", { since: new Date(), timeoutMs: 10_000, signal: ac.signal });
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
  });

  it("discovers with event types OR-matched and metadata AND-matched", () => {
    const r = new ComponentRegistry();
    r.register(info("a", { inputEventTypes: ["x"], metadata: { k: "1", j: "2" } }));
    r.register(info("b", { outputEventTypes: ["y"], metadata: { k: "1" } }));
    expect(r.discover({ eventTypes: ["x", "y"] }).map((c) => c.id)).toEqual(["a", "b"]);
    expect(r.discover({ metadata: { k: "1", j: "2" } }).map((c) => c.id)).toEqual(["a"]);
  });

  it("keeps registrations of the same id in two runs apart, and a heartbeat by plain id reaches the newest", () => {
    const c = clock(1_000);
    const r = new ComponentRegistry({ now: c.now });
    const a = r.register(info("gen", { endpoint: "127.0.0.1:1", metadata: { flowctl_run_id: "run-a" } }), "gen");
    c.advance(10);
    const b = r.register(info("gen", { endpoint: "127.0.0.1:2", metadata: { flowctl_run_id: "run-b" } }), "gen");
    expect([a.serviceId, b.serviceId]).toEqual(["gen@run-a", "gen@run-b"]);
    expect(r.list().map((x) => x.info.endpoint).sort()).toEqual(["127.0.0.1:1", "127.0.0.1:2"]);
    r.setStatus("gen@run-a", "DEGRADED");
    r.heartbeat("gen", "UNKNOWN");
    expect(r.get("gen@run-a")?.status).toBe("DEGRADED");
    expect(r.get("gen@run-b")?.status).toBe("HEALTHY");
  });

  it("refuses a registration claiming a guarded run when the guard says no, and stores nothing", () => {
    const r = new ComponentRegistry();
    const unguard = r.guardRun("run-a", (i) => (i.metadata.proof === "ok" ? undefined : "wrong proof"));
    expect(() => r.register(info("gen", { metadata: { flowctl_run_id: "run-a", proof: "bad" } }))).toThrow(/refused: wrong proof/);
    expect(r.list({ includeUnhealthy: true })).toEqual([]);
    expect(r.register(info("gen", { metadata: { flowctl_run_id: "run-a", proof: "ok" } })).serviceId).toBe("gen@run-a");
    // Other runs and unclaimed registrations are not this guard's business.
    expect(r.register(info("gen", { metadata: { flowctl_run_id: "run-b" } })).serviceId).toBe("gen@run-b");
    expect(r.register(info("gen")).serviceId).toBe("gen");
    unguard();
    expect(r.register(info("gen", { metadata: { flowctl_run_id: "run-a", proof: "bad" } })).serviceId).toBe("gen@run-a");
  });

  it("unregisterOwn removes a registration only while its key still holds it", () => {
    const c = clock(1_000);
    const r = new ComponentRegistry({ now: c.now });
    const first = r.register(info("gen", { endpoint: "127.0.0.1:1" }));
    c.advance(5);
    const second = r.register(info("gen", { endpoint: "127.0.0.1:2" }));
    r.unregisterOwn(first);
    expect(r.get("gen")).toBe(second);
    r.unregisterOwn(second);
    expect(r.get("gen")).toBeUndefined();
  });

  it("waitForRegistration takes only a registration its accept check approves", async () => {
    const r = new ComponentRegistry();
    const waiting = r.waitForRegistration("gen", { since: new Date(0), timeoutMs: 10_000, accept: (x) => x.info.endpoint === "127.0.0.1:2" });
    r.register(info("gen", { endpoint: "127.0.0.1:1" }));
    const good = r.register(info("gen", { endpoint: "127.0.0.1:2", metadata: { flowctl_run_id: "r" } }));
    await expect(waiting).resolves.toBe(good);
  });
});
