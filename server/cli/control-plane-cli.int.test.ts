/**
 * `flowctl server`, `flowctl status` and `flowctl pipelines …` as real processes: the CLI against a
 * `flowctl server` child, state seeded through a client built independently from the .proto files.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, callUnary, loadIndependentProtos, waitFor } from "../control-plane/test-support/independent-client";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/flowctl.mjs");
const protos = loadIndependentProtos();
const TOKEN = "cli-test-token-0123456789abcdef";
let dir: string;
const children = new Set<ChildProcess>();
const clients: grpc.Client[] = [];

interface Server {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `flowctl server` and waits for its ready line (which carries the OS-assigned port). */
async function startServer(args: string[], env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [BIN, "server", "--port", "0", ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => (children.delete(child), resolve(code))));
  const port = await waitFor(`flowctl server ready (stderr: ${err})`, () => {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${err}`);
    const m = /ready at [^\s]+:(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  }, 120_000);
  return { child, port, stdout: () => out, stderr: () => err, exited };
}

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // No kill timeout: on a loaded machine eight CLIs starting at once take as long as they take;
    // a hung one fails the test at its timeout instead of passing it an empty output.
    execFile(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", FLOWCTL_TOKEN: "", ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function clientsFor(port: number) {
  const v1 = new protos.ControlPlaneService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const legacy = new protos.ControlPlane(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  clients.push(v1, legacy);
  return { v1, legacy };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-cli-cp-"));
});
afterAll(async () => {
  for (const c of clients) c.close();
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("flowctl server / status / pipelines", () => {
  let server: Server;
  let v1: grpc.Client;
  let legacy: grpc.Client;
  const runIds: string[] = [];
  const db = () => path.join(dir, "state", "flowctl.db");

  beforeAll(async () => {
    // A TTL longer than the suite: statuses change only when a test changes them, however slow the machine.
    server = await startServer(["--db-path", db(), "--metrics-port", "0", "--heartbeat-ttl", "10m"]);
    ({ v1, legacy } = clientsFor(server.port));
    const comp = (id: string, type: string, extra: Record<string, unknown> = {}) => ({ component: { id, type, endpoint: `:${5000 + id.length}`, ...extra } });
    await callUnary(v1, "RegisterComponent", comp("src", "COMPONENT_TYPE_SOURCE", { output_event_types: ["ledger.v1"] }));
    await callUnary(v1, "RegisterComponent", comp("enrich", "COMPONENT_TYPE_PROCESSOR", { input_event_types: ["ledger.v1"], output_event_types: ["event.v1"] }));
    await callUnary(v1, "RegisterComponent", comp("db-sink", "COMPONENT_TYPE_CONSUMER", { input_event_types: ["event.v1"] }));
    await callUnary(v1, "Heartbeat", { service_id: "enrich", status: "HEALTH_STATUS_DEGRADED", metrics: { queue_depth: "17", processed: "1200" } });
    for (const name of ["orders", "orders", "payments"]) {
      const r = await callUnary<{ run_id: string }>(legacy, "CreatePipelineRun", { pipeline_name: name, component_ids: ["src", "enrich", "db-sink"] });
      runIds.push(r.run_id);
    }
    await callUnary(legacy, "UpdatePipelineRun", { run_id: runIds[1], status: "RUN_STATUS_RUNNING", metrics: { events_processed: 12_345, events_per_second: 41.5 } });
  });

  it("status groups components by role with health, endpoint, heartbeat, types and metrics", async () => {
    const r = await cli(["status", "--control-plane-port", String(server.port)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Pipeline Status");
    expect(r.stdout).toContain("Status: DEGRADED");
    expect(r.stdout).toContain("Components: 3 total (2 healthy, 0 starting, 1 degraded, 0 unhealthy)");
    expect(r.stdout).toMatch(/SOURCES \(1\)\n {2}src \(HEALTH_STATUS_HEALTHY\)\n {4}Endpoint: 127\.0\.0\.1:5003/);
    expect(r.stdout).toMatch(/PROCESSORS \(1\)\n {2}enrich \(HEALTH_STATUS_DEGRADED\)/);
    expect(r.stdout).toContain("CONSUMERS (1)");
    expect(r.stdout).toMatch(/Last heartbeat: (just now|\d+s ago)/);
    expect(r.stdout).toContain("Output types: ledger.v1");
    expect(r.stdout).toMatch(/Metrics:\n {6}processed: 1200\n {6}queue_depth: 17/);
  });

  it("flowctl server --metrics-port serves the control-plane gauges", async () => {
    const url = /metrics: (http:\S+)/.exec(server.stdout())?.[1];
    expect(url).toBeDefined();
    const body = await (await fetch(url!)).text();
    expect(body).toMatch(/^flowctl_registered_components 3$/m);
    expect(body).toMatch(/^flowctl_healthy_components 2$/m);
  });

  it("status -o json, and scoped to a pipeline file", async () => {
    const file = path.join(dir, "p.yaml");
    writeFileSync(file, "apiVersion: flowctl/v1\nkind: Pipeline\nmetadata:\n  name: ledger-demo\nspec:\n  sources:\n    - id: src\n      type: x\n  sinks:\n    - id: db-sink\n      type: y\n      inputs: [src]\n");
    // Independent invocations run concurrently to keep the suite short.
    const [json, scoped, missing] = await Promise.all([
      cli(["status", "--control-plane-port", String(server.port), "-o", "json"]),
      cli(["status", file, "--control-plane-port", String(server.port)]),
      cli(["status", path.join(dir, "nope.yaml"), "--control-plane-port", String(server.port)]),
    ]);
    const view = JSON.parse(json.stdout);
    expect(view).toMatchObject({ status: "DEGRADED", counts: { total: 3, healthy: 2, degraded: 1 } });
    expect(view.components.map((c: { id: string }) => c.id).sort()).toEqual(["db-sink", "enrich", "src"]);

    expect(scoped.stdout).toContain("Pipeline: ledger-demo");
    expect(scoped.stdout).toContain("Status: RUNNING");
    expect(scoped.stdout).not.toContain("enrich");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read pipeline file .*nope\.yaml/);
  });

  it("pipelines list, runs, run-info by prefix, active, stop — table, json and yaml", async () => {
    const port = ["--control-plane-port", String(server.port)];
    for (const id of ["amb-1", "amb-2"]) await callUnary(legacy, "CreatePipelineRun", { run_id: id, pipeline_name: "amb" });
    const [list, listJson, runs, info, active, empty, ambiguous, unknown] = await Promise.all([
      cli(["pipelines", "list", ...port]),
      cli(["pipelines", "list", ...port, "-o", "json"]),
      cli(["pipelines", "runs", "orders", "--limit", "1", ...port, "-o", "json"]),
      cli(["pipelines", "run-info", runIds[1]!.slice(0, 8), ...port]),
      cli(["pipelines", "active", ...port, "-o", "yaml"]),
      cli(["pipelines", "run-info", "", ...port]),
      cli(["pipelines", "run-info", "amb-", ...port]),
      cli(["pipelines", "run-info", "zzzz", ...port]),
    ]);
    expect(list.stdout).toMatch(/NAME\s+LAST RUN\s+STATUS\s+RUNS/);
    // The first run may be over a minute old on a loaded machine.
    expect(list.stdout).toMatch(/orders\s+(just now|\d+s ago|\d+m ago)\s+\w+\s+2/);
    expect(list.stdout).toContain("3 pipeline(s) found");
    expect(JSON.parse(listJson.stdout)).toEqual([
      expect.objectContaining({ name: "amb", runs: 2 }),
      expect.objectContaining({ name: "payments", runs: 1 }),
      expect.objectContaining({ name: "orders", runs: 2 }),
    ]);

    expect(JSON.parse(runs.stdout).map((r: { runId: string }) => r.runId)).toEqual([runIds[1]]);

    expect(info.stdout).toContain(`Run ID:     ${runIds[1]}`);
    expect(info.stdout).toContain("Status:     running");
    expect(info.stdout).toContain("Events:     12.3k");
    expect(info.stdout).toContain("Throughput: 41.5 events/s");

    expect(active.stdout).toContain(`runId: ${runIds[1]}`);

    const stop = await cli(["pipelines", "stop", runIds[1]!.slice(0, 10), ...port]);
    expect(stop.stdout).toContain("✓ Pipeline stopped (status: stopped)");
    const none = await cli(["pipelines", "active", ...port]);
    expect(none.stdout).toContain("No active pipeline runs");

    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("run-id: is required");
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/prefix "amb-" is ambiguous: amb-\d, amb-\d/);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('run "zzzz" not found');
  }, 300_000);

  it("status --watch re-renders until SIGINT, then exits 0", async () => {
    const child = spawn(process.execPath, [BIN, "status", "--watch", "--interval", "0.2", "-o", "json", "--control-plane-port", String(server.port)], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", FLOWCTL_TOKEN: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => (children.delete(child), resolve(code))));
    // Each refresh prints one JSON document starting with `{` at column 0.
    await waitFor("two status refreshes", () => ((out.match(/^\{/gm) ?? []).length >= 2 ? true : undefined), 30_000);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(JSON.parse(out.slice(0, out.indexOf("\n}\n") + 2)).counts.total).toBe(3);
  });

  it("unreachable control plane: friendly message, exit 1", async () => {
    const r = await cli(["pipelines", "list", "--control-plane-port", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no control plane is reachable at 127.0.0.1:1");
    expect(r.stderr).toContain("flowctl run");
  });

  it("after a crash (SIGKILL) and restart on the same file: components restored, the running run INTERRUPTED", async () => {
    const r = await callUnary<{ run_id: string }>(legacy, "CreatePipelineRun", { pipeline_name: "crashy" });
    await callUnary(legacy, "UpdatePipelineRun", { run_id: r.run_id, status: "RUN_STATUS_RUNNING" });
    server.child.kill("SIGKILL");
    await server.exited;
    server = await startServer(["--db-path", db()]);
    const status = await cli(["status", "--control-plane-port", String(server.port), "-o", "json"]);
    expect(JSON.parse(status.stdout).components.map((c: { id: string }) => c.id).sort()).toEqual(["db-sink", "enrich", "src"]);
    const info = await cli(["pipelines", "run-info", r.run_id, "--control-plane-port", String(server.port), "-o", "json"]);
    expect(JSON.parse(info.stdout)).toMatchObject({ status: "failed", error: expect.stringContaining("interrupted") });
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain("✓ Control plane stopped");
  });
});

describe("flowctl server security", () => {
  it("refuses a non-loopback address without a token or TLS", async () => {
    const r = await cli(["server", "--address", "0.0.0.0", "--port", "0", "--no-persistence"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0/);
  });

  it("with FLOWCTL_TOKEN off-loopback, CLI calls need --token", async () => {
    const server = await startServer(["--address", "0.0.0.0", "--no-persistence"], { FLOWCTL_TOKEN: TOKEN });
    const [denied, ok, viaEnv] = await Promise.all([
      cli(["pipelines", "list", "--control-plane-port", String(server.port)]),
      cli(["pipelines", "list", "--control-plane-port", String(server.port), "--token", TOKEN]),
      cli(["status", "--control-plane-port", String(server.port), "-o", "json"], { FLOWCTL_TOKEN: TOKEN }),
    ]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/bearer token.*--token/);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("No pipelines found");
    expect(JSON.parse(viaEnv.stdout).counts.total).toBe(0);
    const { v1 } = clientsFor(server.port);
    await expect(callUnary(v1, "ListComponents", {}, bearer(TOKEN))).resolves.toEqual({ components: [] });
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });
});
