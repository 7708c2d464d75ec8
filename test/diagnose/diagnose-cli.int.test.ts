/**
 * End-to-end `flowctl diagnose --json` on real pipelines built from the built-ins (and one foreign,
 * non-SDK sink from test/fixtures): real component processes, the real engine and router, real
 * scraping. Each test asserts the component the JSON names (or null for the healthy pipeline); the
 * first also diagnoses the same run again by id from the store.
 * Scenarios run one after another: CPU contention between them would blur the numbers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { DiagnosisReport } from "../../server/diagnosis/diagnosis-types";
import { openStore } from "../../server/storage/store";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/flowctl.mjs");
const children = new Set<ChildProcess>();
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "flowctl-diagnose-"));
});
afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  children.clear();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function flowctl(args: string[], timeoutMs = 90_000, cwd = dir): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`flowctl ${args.join(" ")} did not exit within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

type Role = "sources" | "processors" | "sinks";
function writePipeline(name: string, spec: Partial<Record<Role, Array<Record<string, unknown>>>>): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, stringify({ apiVersion: "flowctl/v1", kind: "Pipeline", metadata: { name }, spec }));
  return file;
}

const unlimitedSource = { id: "gen", type: "load-generator", env: { EVENTS_PER_SECOND: "0", EVENT_SIZE_BYTES: "128" } };

/** Runs `diagnose --json` on a file with its own store; returns the report and the run id. */
async function diagnoseFile(file: string, expectStatus = "STOPPED"): Promise<{ report: DiagnosisReport; runId: string; dbPath: string }> {
  const dbPath = path.join(dir, `${path.basename(file, ".yaml")}.db`);
  const r = await flowctl(["diagnose", file, "--grace-period", "2s", "--json", "--db-path", dbPath]);
  expect(r.code, r.stderr).toBe(0);
  // Exactly one JSON object on stdout; logs went to stderr.
  const lines = r.stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  const report = JSON.parse(lines[0]!) as DiagnosisReport;
  // What the diagnosis saw, on stderr: the first thing to read when an assertion below fails.
  process.stderr.write(`diagnose ${path.basename(file)}: ${JSON.stringify({ bottleneck: report.bottleneck?.component ?? report.bottleneck?.edge ?? null, components: report.components, findings: report.findings.map((f) => f.message) })}\n`);
  const store = await openStore({ databaseUrl: `file:${dbPath}` });
  try {
    const [run] = await store.runs.list({ limit: 1 });
    expect(run!.status).toBe(expectStatus);
    const events = await store.runs.listEvents(run!.runId);
    // Every component process was stopped: no orphans left behind by diagnose.
    const exited = new Set(events.filter((e) => e.type === "component.exited").map((e) => e.componentId));
    for (const id of run!.componentIds) expect([...exited].some((x) => x === id || x?.startsWith(`${id}-`)), `${id} exited`).toBe(true);
    expect(events.some((e) => e.type === "diagnosis.finding")).toBe(true);
    expect((await store.metrics.listRollups(run!.runId)).length).toBeGreaterThan(0);
    return { report, runId: run!.runId, dbPath };
  } finally {
    await store.close();
  }
}

function expectShape(r: DiagnosisReport) {
  expect(Object.keys(r).sort()).toEqual(["bottleneck", "components", "findings", "pipeline", "window"]);
  expect(Date.parse(r.window.from)).toBeLessThan(Date.parse(r.window.to));
  for (const c of r.components) expect(c).toHaveProperty("busy");
}

describe("flowctl diagnose --json on real pipelines", () => {
  it("names the slow sink (blackhole DELAY_MS) behind a passthrough", async () => {
    const file = writePipeline("slow-sink", {
      sources: [unlimitedSource],
      processors: [{ id: "pass", type: "passthrough", inputs: ["gen"] }],
      sinks: [{ id: "db", type: "blackhole", inputs: ["pass"], env: { DELAY_MS: "10" } }],
    });
    const { report, runId, dbPath } = await diagnoseFile(file);
    expectShape(report);
    expect(report.pipeline).toBe("slow-sink");
    expect(report.bottleneck).toMatchObject({ kind: "component", component: "db", edge: null });
    expect(report.bottleneck!.recommendations.join("\n")).toMatch(/batch writes/);

    // The same run, diagnosed later from the store by id prefix.
    const again = await flowctl(["diagnose", runId.slice(0, 8), "--json", "--db-path", dbPath]);
    expect(again.code, again.stderr).toBe(0);
    const stored = JSON.parse(again.stdout) as DiagnosisReport;
    expect(stored.pipeline).toBe("slow-sink");
    expect(stored.bottleneck?.component).toBe("db");
    // Two diagnoses (each --for 20 s once RUNNING, plus start and stop): minutes on a loaded machine.
  }, 300_000);

  it("names the CPU-bound processor (passthrough WORK_MICROS)", async () => {
    const file = writePipeline("cpu-bound", {
      sources: [unlimitedSource],
      processors: [{ id: "work", type: "passthrough", inputs: ["gen"], env: { WORK_MICROS: "2000" } }],
      sinks: [{ id: "out", type: "blackhole", inputs: ["work"] }],
    });
    const { report } = await diagnoseFile(file);
    expect(report.bottleneck).toMatchObject({ kind: "component", component: "work" });
    expect(report.bottleneck!.recommendations[0]).toMatch(/replicas/);
  });

  it("names the slow sink of a fan-out, not its fast sibling", async () => {
    const file = writePipeline("fan-out", {
      sources: [unlimitedSource],
      sinks: [
        { id: "fast", type: "blackhole", inputs: ["gen"] },
        { id: "slow", type: "blackhole", inputs: ["gen"], env: { DELAY_MS: "10" } },
      ],
    });
    const { report } = await diagnoseFile(file);
    expect(report.bottleneck).toMatchObject({ kind: "component", component: "slow" });
  });

  it("reports no bottleneck for a rate-limited pipeline that keeps up", async () => {
    const file = writePipeline("rate-limited", {
      sources: [{ id: "gen", type: "load-generator", env: { EVENTS_PER_SECOND: "100", EVENT_SIZE_BYTES: "128" } }],
      processors: [{ id: "pass", type: "passthrough", inputs: ["gen"] }],
      sinks: [{ id: "out", type: "blackhole", inputs: ["pass"] }],
    });
    const { report } = await diagnoseFile(file);
    expect(report.bottleneck).toBeNull();
    const gen = report.components.find((c) => c.id === "gen")!;
    // The source really ran at its limit: healthy, not idle for lack of data.
    expect(gen.outRate).toBeGreaterThan(50);
    expect(report.findings.some((f) => f.code === "KEEPS_UP")).toBe(true);
  });

  it("diagnoses a run that completes before --for as it ran, not its shutdown (no component flagged down)", async () => {
    const file = writePipeline("bounded", {
      sources: [{ id: "gen", type: "load-generator", env: { EVENTS_PER_SECOND: "200", DURATION_SECONDS: "12", EVENT_SIZE_BYTES: "128" } }],
      sinks: [{ id: "out", type: "blackhole", inputs: ["gen"] }],
    });
    const { report, runId, dbPath } = await diagnoseFile(file, "COMPLETED");
    expect(report.bottleneck).toBeNull();
    expect(report.findings.map((f) => f.code)).not.toContain("COMPONENT_DOWN");
    expect(report.components.find((c) => c.id === "out")!.inRate).toBeGreaterThan(100);

    const again = await flowctl(["diagnose", runId.slice(0, 8), "--json", "--db-path", dbPath]);
    expect(again.code, again.stderr).toBe(0);
    const stored = JSON.parse(again.stdout) as DiagnosisReport;
    expect(stored.findings.map((f) => f.code)).not.toContain("COMPONENT_DOWN");
    // The stored timeline holds the run's findings, and none raised by its shutdown.
    const store = await openStore({ databaseUrl: `file:${dbPath}` });
    try {
      const events = await store.runs.listEvents(runId);
      expect(events.some((e) => e.type === "run.status" && e.data?.from === "RUNNING" && e.data?.status === "DRAINING")).toBe(true);
      expect(events.filter((e) => e.type === "diagnosis.finding" && e.data?.code === "COMPONENT_DOWN")).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("names a foreign (non-SDK) sink that stalls, from the engine's edge metrics alone", async () => {
    const fixture = path.resolve(path.dirname(BIN), "../test/fixtures/foreign-components/component.mjs");
    const file = writePipeline("foreign-stalled-sink", {
      sources: [unlimitedSource],
      sinks: [{ id: "legacy", command: [process.execPath, fixture], inputs: ["gen"], env: { ROLE: "sink", STALL: "1" } }],
    });
    const { report } = await diagnoseFile(file);
    expect(report.bottleneck).toMatchObject({ kind: "component", component: "legacy" });
    expect(report.bottleneck!.evidence.join("\n")).toMatch(/inferred from its full input queue/);
    const legacy = report.components.find((c) => c.id === "legacy")!;
    expect(legacy.p50Ms).toBeNull();
  });

  it("keeps the run of a file like flowctl run does: the id it prints is diagnosed again without flags", async () => {
    const project = fs.mkdtempSync(path.join(dir, "project-"));
    const file = writePipeline("kept", {
      sources: [{ id: "gen", type: "load-generator", env: { EVENTS_PER_SECOND: "200", EVENT_SIZE_BYTES: "128" } }],
      sinks: [{ id: "out", type: "blackhole", inputs: ["gen"] }],
    });
    const first = await flowctl(["diagnose", file, "--for", "4s", "--window", "2s", "--grace-period", "2s"], 90_000, project);
    expect(first.code, first.stderr).toBe(0);
    const db = path.join(project, ".flowctl", "flowctl.db");
    const printed = new RegExp(`run ([0-9a-f-]{36}) is recorded in ${db.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`).exec(first.stdout);
    expect(printed, first.stdout).not.toBeNull();
    const again = await flowctl(["diagnose", printed![1]!.slice(0, 8), "--json"], 90_000, project);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as DiagnosisReport).pipeline).toBe("kept");
  });

  it("tells a waiting stage to add concurrency without cores, and the next run how close the estimate came", async () => {
    const project = fs.mkdtempSync(path.join(dir, "waiting-"));
    const write = (replicas: number) => {
      const file = path.join(project, "waiting.yaml");
      const spec = {
        sources: [unlimitedSource],
        processors: [{ id: "geocode", type: "passthrough", inputs: ["gen"], replicas, env: { DELAY_MS: "4" } }],
        sinks: [{ id: "out", type: "blackhole", inputs: ["geocode"] }],
      };
      fs.writeFileSync(file, stringify({ apiVersion: "flowctl/v1", kind: "Pipeline", metadata: { name: "waiting" }, spec }));
      return file;
    };
    const run = async (replicas: number) => {
      const r = await flowctl(["diagnose", write(replicas), "--json", "--grace-period", "2s"], 90_000, project);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as DiagnosisReport;
    };
    const first = await run(2);
    expect(first.bottleneck).toMatchObject({ kind: "component", component: "geocode" });
    expect(first.components.find((c) => c.id === "geocode")!.bound).toBe("waiting");
    expect(first.bottleneck!.recommendations.join("\n")).not.toMatch(/CPU-bound|more CPU|more cores; this host/);
    const estimate = first.bottleneck!.estimates!.find((e) => e.value === 4);
    expect(estimate, JSON.stringify(first.bottleneck)).toMatchObject({ component: "geocode", setting: "replicas", from: 2, cappedByHost: false });

    // The recommended change: the next run says what it did against the estimate.
    const second = await run(4);
    const change = second.comparison!.changes.find((c) => c.setting === "replicas")!;
    expect(change).toMatchObject({ component: "geocode", from: "2", to: "4", recommended: true, estimate: estimate!.eventsPerSecond });
    expect(change.ratio).toBeCloseTo(change.measured! / estimate!.eventsPerSecond, 2);
    expect(change.message).toMatch(/^geocode: replicas 2 → 4, as run [0-9a-f]{8}'s diagnosis recommended; .* the measured rate is \d+ % of the estimate$/);
    // Two diagnoses (each --for 20 s once RUNNING, plus start and stop): minutes on a loaded machine.
  }, 300_000);

  it("rejects bad flags naming the flag", async () => {
    const r = await flowctl(["diagnose", path.join(dir, "nope.yaml"), "--for", "5s", "--window", "10s"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--for: must be at least --window/);
  });
});
