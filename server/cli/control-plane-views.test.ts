import { describe, expect, it } from "vitest";
import type { RegisteredComponent } from "../core/registry";
import type { RunView } from "./control-plane-client";
import { buildStatusView, formatCount, formatRelative, renderStatus, summarizePipelines } from "./control-plane-views";

const now = new Date("2026-01-01T12:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);

function comp(id: string, type: RegisteredComponent["info"]["type"], status: RegisteredComponent["status"]): RegisteredComponent {
  return {
    serviceId: id,
    info: { id, name: id, description: "", version: "", type, inputEventTypes: [], outputEventTypes: ["o.v1"], endpoint: "127.0.0.1:1", metadata: {} },
    status,
    registeredAt: ago(3725),
    lastHeartbeat: ago(12),
    metrics: { b: "2", a: "1" },
  };
}

describe("control-plane views", () => {
  it("formats relative times and counts like the original", () => {
    expect([formatRelative(ago(0.5), now), formatRelative(ago(45), now), formatRelative(ago(180), now), formatRelative(ago(7200), now), formatRelative(ago(3 * 86400), now)]).toEqual([
      "just now",
      "45s ago",
      "3m ago",
      "2h ago",
      "3d ago",
    ]);
    expect(formatRelative(new Date(0), now)).toBe("never");
    expect([formatCount(950), formatCount(12_345), formatCount(4_500_000)]).toEqual(["950", "12.3k", "4.5M"]);
  });

  it("worst status wins and sections follow roles", () => {
    expect(buildStatusView([comp("a", "SOURCE", "HEALTHY")], null).status).toBe("RUNNING");
    expect(buildStatusView([comp("a", "SOURCE", "HEALTHY"), comp("b", "PROCESSOR", "STARTING")], null).status).toBe("STARTING");
    expect(buildStatusView([comp("a", "SOURCE", "DEGRADED"), comp("b", "PROCESSOR", "STARTING")], null).status).toBe("DEGRADED");
    const view = buildStatusView([comp("a", "SOURCE", "UNHEALTHY"), comp("b", "CONSUMER", "HEALTHY")], "demo");
    expect(view.status).toBe("UNHEALTHY");
    const text = renderStatus(view, now);
    expect(text).toContain("Pipeline: demo");
    expect(text).toContain("Components: 2 total (1 healthy, 0 starting, 0 degraded, 1 unhealthy)");
    expect(text).toMatch(/SOURCES \(1\)\n {2}a \(.*HEALTH_STATUS_UNHEALTHY.*\)/);
    expect(text).toContain("Uptime: 1h 2m");
    expect(text).toContain("Last heartbeat: 12s ago");
    expect(text).toMatch(/Metrics:\n {6}a: 1\n {6}b: 2/);
    expect(text.indexOf("SOURCES")).toBeLessThan(text.indexOf("CONSUMERS"));
  });

  it("summarizes runs per pipeline, newest pipeline first", () => {
    const run = (id: string, name: string, s: number): RunView => ({
      runId: id, pipelineName: name, status: "running", startedAt: ago(s), endedAt: null, error: "", componentIds: [], eventsProcessed: 0, eventsPerSecond: 0, bytesProcessed: 0,
    });
    // Input is newest first, as ListPipelineRuns returns it.
    expect(summarizePipelines([run("3", "b", 10), run("2", "a", 20), run("1", "b", 30)])).toEqual([
      { name: "b", lastRun: ago(10), status: "running", runs: 2 },
      { name: "a", lastRun: ago(20), status: "running", runs: 1 },
    ]);
  });
});
