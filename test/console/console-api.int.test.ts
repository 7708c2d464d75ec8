/**
 * The console's HTTP API against a real `flowctl console`: real component processes, real gRPC,
 * real SQLite. Validation refuses bad YAML with every diagnostic and stores nothing; a run starts,
 * streams live stats and stops; the Prometheus API answers exactly what the embedded query layer
 * computed for the live view; the engine's own /metrics and the service discovery answer.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveRunStats, PipelineListItem, RunDetail, RunListItem } from "../../server/services/api-types";
import { cleanupChildren, flowctl, type Cli } from "../engine/cli-harness";

let dir: string;
let console_: Cli;
let base: string;

const PIPELINE = `apiVersion: flowctl/v1
kind: Pipeline
metadata:
  name: api-test
  description: small pipeline for the API test
spec:
  sources:
    - id: gen # the generator
      type: load-generator
      env: { EVENTS_PER_SECOND: 200, EVENT_SIZE_BYTES: 64 }
  sinks:
    - id: sink
      type: blackhole
      inputs: [gen]
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-console-api-"));
  console_ = flowctl(["console", "--no-demo", "--port", "0", "--grpc-port", "0", "--data-dir", dir, "--db-path", path.join(dir, "flowctl.db")], dir);
  // The console may build its pages first (a fresh clone): wait for the line with its URL.
  const deadline = Date.now() + 280_000;
  while (!/flowctl console\s+(http:\/\/\S+)/.test(console_.stdout())) {
    if (console_.child.exitCode !== null) throw new Error(`console exited:\n${console_.output()}`);
    if (Date.now() > deadline) throw new Error(`console did not start:\n${console_.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  base = /flowctl console\s+(http:\/\/\S+)/.exec(console_.stdout())![1]!;
}, 300_000);

afterAll(async () => {
  await cleanupChildren();
  rmSync(dir, { recursive: true, force: true });
});

const get = async <T>(p: string): Promise<{ status: number; body: T }> => {
  const res = await fetch(base + p);
  return { status: res.status, body: (await res.json()) as T };
};

/** Reads SSE frames from `p` until `until(event, data)` is true; returns that frame's data. */
async function readStream(p: string, until: (event: string, data: unknown) => boolean, timeoutMs = 90_000): Promise<{ event: string; data: unknown; seen: string[] }> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const res = await fetch(base + p, { signal: ac.signal });
  expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const seen: string[] = [];
  let buf = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before the condition; saw ${seen.join(",")}`);
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (!event || data === undefined) continue;
        seen.push(event);
        const parsed: unknown = JSON.parse(data);
        if (until(event, parsed)) return { event, data: parsed, seen };
      }
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

describe("the console's HTTP API", () => {
  it("refuses invalid YAML with every diagnostic (file, line, field) and stores nothing", async () => {
    const bad = PIPELINE.replace("inputs: [gen]", "inputs: [nope]").replace("EVENTS_PER_SECOND: 200", "EVENTS_PER_SECOND: fast");
    const res = await fetch(`${base}/api/pipelines/api-test`, { method: "PUT", headers: { "Content-Type": "application/yaml" }, body: bad });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string }; diagnostics: Array<{ code: string; line: number; path: string; file: string }> };
    expect(body.error.code).toBe("VALIDATION_FAILED");
    const codes = body.diagnostics.map((d) => d.code);
    expect(codes).toContain("graph.unknown-input");
    expect(codes).toContain("component.builtin-invalid-env");
    const unknown = body.diagnostics.find((d) => d.code === "graph.unknown-input")!;
    expect(unknown).toMatchObject({ file: "pipelines/api-test.yaml", line: 14, path: "spec.sinks[0].inputs[0]" });
    expect((await get("/api/pipelines/api-test")).status).toBe(404);
    // Wrong content type and a name that disagrees with the URL are refused too.
    expect((await fetch(`${base}/api/pipelines/api-test`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: "{}" })).status).toBe(400);
    const renamed = await fetch(`${base}/api/pipelines/other`, { method: "PUT", headers: { "Content-Type": "application/yaml" }, body: PIPELINE });
    expect(renamed.status).toBe(422);
    expect((await get("/api/pipelines")).body).toEqual([]);
  });

  it("saves a version, keeps it when a later save is invalid, and answers 200 for unchanged YAML", async () => {
    const first = await fetch(`${base}/api/pipelines/api-test?message=first`, { method: "PUT", headers: { "Content-Type": "application/yaml" }, body: PIPELINE });
    expect(first.status).toBe(201);
    const again = await fetch(`${base}/api/pipelines/api-test`, { method: "PUT", headers: { "Content-Type": "application/yaml" }, body: PIPELINE });
    expect(again.status).toBe(200);
    const broken = await fetch(`${base}/api/pipelines/api-test`, { method: "PUT", headers: { "Content-Type": "application/yaml" }, body: "spec: [" });
    expect(broken.status).toBe(422);
    const versions = await get<Array<{ version: number; message: string }>>("/api/pipelines/api-test/versions");
    expect(versions.body.map((v) => [v.version, v.message])).toEqual([[1, "first"]]);
    const detail = await get<{ yaml: string; graph: { nodes: unknown[]; edges: unknown[] } }>("/api/pipelines/api-test");
    // Stored as written: the comment is still there.
    expect(detail.body.yaml).toContain("# the generator");
    expect(detail.body.graph.edges).toEqual([{ from: "gen", to: "sink", capacity: 1000, policy: "block" }]);
  });

  it("starts a run, streams its live stats, answers the Prometheus API with the same numbers, and stops it", async () => {
    const started = await fetch(`${base}/api/pipelines/api-test/runs`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(started.status).toBe(201);
    const { runId } = (await started.json()) as { runId: string };
    // A second start of the same pipeline is refused while it runs.
    expect((await fetch(`${base}/api/pipelines/api-test/runs`, { method: "POST" })).status).toBe(409);

    const frame = await readStream(`/api/runs/${runId}/stream`, (event, data) => {
      if (event !== "stats") return false;
      const sink = (data as { stats: LiveRunStats }).stats.components.find((c) => c.id === "sink");
      // A latency means the sink's own series hold two scrapes in the window (before that, the
      // window falls back to the engine's edge counters, which the query below does not read).
      return (sink?.outRate ?? 0) > 0 && sink?.p95Ms !== null;
    });
    expect(frame.seen[0]).toBe("stats");
    const stats = (frame.data as { stats: LiveRunStats }).stats;
    expect(stats.runId).toBe(runId);
    expect(stats.edges[0]).toMatchObject({ from: "gen", to: "sink", capacity: 1000 });

    // The live view's number came from the embedded query layer; the Prometheus API over the same
    // series, at the same instant, with the expression the window uses, must give the same value.
    const sinkRate = stats.components.find((c) => c.id === "sink")!.outRate!;
    const expr = `sum by (component_id) (rate(component_events_processed_total{pipeline="api-test",run_id="${runId}",component_id="sink"}[5s]))`;
    const prom = await get<{ status: string; data: { resultType: string; result: Array<{ value: [number, string] }> } }>(`/api/v1/query?${new URLSearchParams({ query: expr, time: String(stats.at / 1000) })}`);
    expect(prom.status).toBe(200);
    expect(prom.body.data.resultType).toBe("vector");
    expect(Number(prom.body.data.result[0]!.value[1])).toBeCloseTo(sinkRate, 9);
    // A run's edge is one series, stamped with its run (not also the engine's unstamped copy).
    const edges = await get<{ data: { result: Array<{ metric: Record<string, string> }> } }>(
      `/api/v1/query?${new URLSearchParams({ query: 'flowctl_edge_events_total{pipeline="api-test"}', time: String(stats.at / 1000) })}`,
    );
    expect(edges.body.data.result.map((r) => [r.metric.from, r.metric.to, r.metric.run_id])).toEqual([["gen", "sink", runId]]);
    // Prometheus's error format for what it cannot parse.
    const bad = await get<{ status: string; errorType: string }>(`/api/v1/query?query=${encodeURIComponent("rate(x[5m]")}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: "error", errorType: "bad_data" });

    const detail = await get<RunDetail>(`/api/runs/${runId.slice(0, 8)}`);
    expect(detail.body).toMatchObject({ runId, pipelineName: "api-test", status: "RUNNING", owned: true, version: 1 });
    expect(detail.body.instances.map((i) => i.instanceId).sort()).toEqual(["gen", "sink"]);
    const list = await get<PipelineListItem[]>("/api/pipelines");
    expect(list.body[0]).toMatchObject({ name: "api-test", activeRunId: runId });
    const components = await get<Array<{ componentId: string; runId: string; status: string }>>("/api/components");
    expect(components.body.filter((c) => c.runId === runId).map((c) => c.componentId).sort()).toEqual(["gen", "sink"]);
    const logs = await get<Array<{ line: string; stream: string }>>(`/api/runs/${runId}/logs/sink?tail=50`);
    expect(logs.body.some((l) => l.line.includes("component ready"))).toBe(true);
    const targets = await get<Array<{ labels: Record<string, string> }>>("/api/prometheus/targets");
    expect(targets.body.map((t) => t.labels.flowctl_instance ?? t.labels.job)).toEqual(expect.arrayContaining(["flowctl-engine", "gen", "sink"]));
    const metrics = await fetch(`${base}/metrics`);
    expect(await metrics.text()).toContain('flowctl_edge_events_total{pipeline="api-test",from="gen",to="sink"}');

    const stopped = await fetch(`${base}/api/runs/${runId}/stop`, { method: "POST" });
    expect(stopped.status).toBe(200);
    expect(((await stopped.json()) as RunListItem).status).toBe("STOPPED");
    const ended = await readStream(`/api/runs/${runId}/stream`, (event) => event === "end");
    expect(ended.data).toMatchObject({ type: "end", status: "STOPPED" });
    const history = await get<RunListItem[]>("/api/runs?pipeline=api-test&status=stopped");
    expect(history.body.map((r) => r.runId)).toEqual([runId]);
    // The diagnosis of a finished run is the one stored at its end (flowctl diagnose --json shape).
    const diagnosis = await get<{ pipeline: string; components: unknown[]; findings: unknown[] }>(`/api/runs/${runId}/diagnosis`);
    expect(diagnosis.status).toBe(200);
    expect(diagnosis.body).toMatchObject({ pipeline: "api-test" });
    expect(Array.isArray(diagnosis.body.findings)).toBe(true);
  });

  it("answers unknown things with the error table's statuses", async () => {
    expect((await get("/api/runs/00000000")).status).toBe(404);
    expect((await get("/api/runs/not-a-run-id!")).status).toBe(400);
    expect((await get("/api/pipelines/missing")).status).toBe(404);
    expect((await fetch(`${base}/api/runs/00000000/stop`, { method: "POST" })).status).toBe(404);
    expect((await get("/api/runs?status=sleeping")).status).toBe(400);
  });
});
