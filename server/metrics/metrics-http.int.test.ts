import { Counter, Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { startMetricsHttp, type MetricsHttpServer } from "./metrics-http";

const servers: MetricsHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("startMetricsHttp", () => {
  it("serves the registry at /metrics on an OS-assigned port, 404 elsewhere, 405 for writes", async () => {
    const registry = new Registry();
    new Counter({ name: "x_total", help: "x", registers: [registry] }).inc(3);
    const s = await startMetricsHttp({ registry });
    servers.push(s);
    expect(s.port).toBeGreaterThan(0);
    const res = await fetch(s.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(registry.contentType);
    expect(await res.text()).toContain("x_total 3");
    expect((await fetch(s.url.replace("/metrics", "/other"))).status).toBe(404);
    expect((await fetch(s.url, { method: "POST" })).status).toBe(405);
  });

  it("answers 500 with the reason when collection fails, and closes on abort", async () => {
    const ac = new AbortController();
    const s = await startMetricsHttp({ registry: { contentType: "text/plain", metrics: () => Promise.reject(new Error("collector broke")) }, signal: ac.signal });
    const res = await fetch(s.url);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("collector broke");
    ac.abort();
    await s.close();
    await expect(fetch(s.url)).rejects.toThrow();
  });

  it("fails clearly when the port is taken", async () => {
    const a = await startMetricsHttp({ registry: new Registry() });
    servers.push(a);
    await expect(startMetricsHttp({ registry: new Registry(), port: a.port })).rejects.toThrow(/could not listen on 127\.0\.0\.1:\d+/);
  });
});
