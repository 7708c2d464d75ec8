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
});
