/**
 * `flowctl pipelines list | runs | run-info | active` reading a flowctl database file instead of a
 * control plane: runs seeded through the real repositories into a real SQLite file, the real CLI.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../storage/store";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/flowctl.mjs");
let dir: string;
let withRuns: string;
let empty: string;
const ids: Record<string, string> = {};

function cli(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // Port 1: nothing listens there, so "no control plane answered" is certain and immediate.
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    delete env.FLOWCTL_DATABASE_URL; // the default location (cwd/.flowctl/flowctl.db) is what is under test
    execFile(process.execPath, [BIN, ...args, "--control-plane-port", "1"], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-history-"));
  withRuns = path.join(dir, "project");
  empty = path.join(dir, "empty");
  mkdirSync(withRuns);
  mkdirSync(empty);
  const store = await openStore({ databaseUrl: path.join(withRuns, ".flowctl", "flowctl.db") });
  try {
    const t0 = Date.now() - 60_000;
    const done = await store.runs.create({ pipelineName: "orders", status: "RUNNING", startedAt: new Date(t0), componentIds: ["gen", "out"] });
    await store.runs.update(done.runId, { status: "COMPLETED", endedAt: new Date(t0 + 12_000), metrics: { eventsProcessed: 24_000, eventsPerSecond: 2_000, bytesProcessed: 24_576_000, components: {} } });
    const lost = await store.runs.create({ pipelineName: "orders", status: "RUNNING", startedAt: new Date(t0 + 20_000) });
    await store.runs.update(lost.runId, { status: "INTERRUPTED", error: "interrupted: the engine that owned this run is gone" });
    const live = await store.runs.create({ pipelineName: "clicks", status: "RUNNING", startedAt: new Date(t0 + 30_000) });
    Object.assign(ids, { done: done.runId, lost: lost.runId, live: live.runId });
  } finally {
    await store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("flowctl pipelines without a control plane", () => {
  it("falls back to this directory's database, saying so, and lists every pipeline", async () => {
    const r = await cli(withRuns, ["pipelines", "list", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`showing the runs recorded in ${path.join(withRuns, ".flowctl", "flowctl.db")}`);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; runs: number; status: string }>;
    expect(rows.map((p) => [p.name, p.runs, p.status]).sort()).toEqual([
      ["clicks", 1, "running"],
      ["orders", 2, "failed"],
    ]);
  });

  it("shows runs newest first, a run by prefix with its figures, and the running ones", async () => {
    const runs = await cli(withRuns, ["pipelines", "runs", "orders", "-o", "json"]);
    expect(runs.code, runs.stderr).toBe(0);
    const list = JSON.parse(runs.stdout) as Array<{ runId: string; status: string; error: string }>;
    expect(list.map((x) => [x.runId, x.status])).toEqual([
      [ids.lost, "failed"],
      [ids.done, "completed"],
    ]);
    expect(list[0]!.error).toMatch(/^interrupted:/);

    const info = await cli(withRuns, ["pipelines", "run-info", ids.done!.slice(0, 8)]);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain(`Run ID:     ${ids.done}`);
    expect(info.stdout).toMatch(/Throughput: 2000\.0 events\/s/);

    const active = await cli(withRuns, ["pipelines", "active", "-o", "json"]);
    expect((JSON.parse(active.stdout) as Array<{ runId: string }>).map((x) => x.runId)).toEqual([ids.live]);
  });

  it("reads --db-path from anywhere, and names a missing file without creating it", async () => {
    const r = await cli(empty, ["pipelines", "runs", "clicks", "--db-path", path.join(withRuns, ".flowctl", "flowctl.db"), "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("note:");
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(1);

    const missing = path.join(empty, "nope.db");
    const m = await cli(empty, ["pipelines", "list", "--db-path", missing]);
    expect(m.code).toBe(1);
    expect(m.stderr).toContain(`no flowctl database at ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it("with neither a control plane nor a database, says both are missing and creates nothing", async () => {
    const r = await cli(empty, ["pipelines", "list"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no control plane is reachable at 127.0.0.1:1; no local database either: no flowctl database at " + path.join(empty, ".flowctl", "flowctl.db"));
    expect(existsSync(path.join(empty, ".flowctl"))).toBe(false);
  });
});
