/**
 * `flowctl run` as a user runs it (a real CLI process): Ctrl-C → STOPPED with no orphan processes
 * left in the process table; bad pipelines fail before anything starts; --for stops and reports.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../server/storage/store";
import { cleanupChildren, flowctl } from "./cli-harness";
import { processesMatching, tempDir, waitFor, writePipeline } from "./engine-harness";

afterEach(cleanupChildren);

/** Marks every component's argv with the test dir so the process table can be searched for it. */
function markCommands(file: string, marker: string): void {
  const yaml = fs.readFileSync(file, "utf8").replace(/(\n\s+)- (\S*component\.mjs)\n/g, `$1- $2$1- --marker=${marker}\n`);
  fs.writeFileSync(file, yaml);
}

describe("flowctl run", () => {
  it("Ctrl-C stops the run (STOPPED, exit 0) and leaves no process behind", async () => {
    const dir = tempDir();
    const { file } = writePipeline(dir, {
      name: "sigint",
      sources: [{ id: "src", env: { EVENTS_PER_SECOND: 2000 } }],
      processors: [{ id: "proc", inputs: ["src"], replicas: 2 }],
      sinks: [{ id: "sink", inputs: ["proc"] }],
    });
    markCommands(file, dir);
    const run = flowctl(["run", file, "--control-plane-port", "0", "--no-persistence", "--grace-period", "5s"], dir);
    await waitFor("the run to be RUNNING", () => run.output().includes("run RUNNING"), 60_000);
    expect(processesMatching(`--marker=${dir}`)).toHaveLength(4);
    run.child.kill("SIGINT");
    const code = await run.exited;
    expect(run.output()).toContain("run STOPPED");
    expect(code).toBe(0);
    expect(processesMatching(`--marker=${dir}`)).toEqual([]);
    expect(run.output()).toMatch(/proc\s+processor\s+\d+/);
  });

  it("SIGHUP (terminal closed) stops the run like SIGTERM and leaves no process behind", async () => {
    const dir = tempDir();
    const { file } = writePipeline(dir, { name: "sighup", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 500 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
    markCommands(file, dir);
    const run = flowctl(["run", file, "--control-plane-port", "0", "--no-persistence", "--grace-period", "5s"], dir);
    await waitFor("the run to be RUNNING", () => run.output().includes("run RUNNING"), 60_000);
    expect(processesMatching(`--marker=${dir}`)).toHaveLength(2);
    run.child.kill("SIGHUP");
    const code = await run.exited;
    expect(run.output()).toContain("SIGHUP: stopping");
    expect(run.output()).toContain("run STOPPED");
    expect(code).toBe(0);
    expect(processesMatching(`--marker=${dir}`)).toEqual([]);
  });

  it("Ctrl-C twice skips the drain and the grace period", async () => {
    const dir = tempDir();
    const { file } = writePipeline(
      dir,
      { name: "force", sources: [{ id: "src" }], sinks: [{ id: "sink", inputs: ["src"], env: { STALL: 1 }, queue: { capacity: 50 } }] },
      "batch",
    );
    markCommands(file, dir);
    // A stalled sink never drains: without the second Ctrl-C this stop would take the full 10 minutes.
    const run = flowctl(["run", file, "--control-plane-port", "0", "--no-persistence", "--grace-period", "10m"], dir);
    await waitFor("the run to be RUNNING", () => run.output().includes("run RUNNING"), 60_000);
    run.child.kill("SIGINT");
    await waitFor("the graceful stop to begin", () => run.output().includes("press Ctrl-C again to force"));
    run.child.kill("SIGINT");
    const code = await run.exited;
    expect(run.output()).toContain("forcing stop");
    expect(run.output()).toContain("run STOPPED");
    expect(code).toBe(0);
    expect(processesMatching(`--marker=${dir}`)).toEqual([]);
  });

  it("--log-level debug shows per-batch timings and backpressure lines", async () => {
    const dir = tempDir();
    const { file } = writePipeline(
      dir,
      {
        name: "debug",
        sources: [{ id: "src", env: { EVENTS_PER_SECOND: 3000 } }],
        // The stalled sink fills its queue, so the source waits; the other sink keeps acknowledging.
        sinks: [
          { id: "fast", inputs: ["src"] },
          { id: "stuck", inputs: ["src"], env: { STALL: 1 }, queue: { capacity: 50 } },
        ],
      },
      "batch",
    );
    markCommands(file, dir);
    const run = flowctl(["--log-level", "debug", "run", file, "--control-plane-port", "0", "--no-persistence", "--grace-period", "2s"], dir);
    await waitFor("debug lines", () => /fast: processing took \d+(\.\d+)?ms/.test(run.output()) && run.output().includes("src: waiting for downstream"), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; output:\n${run.output().slice(-4000)}`);
    });
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect(processesMatching(`--marker=${dir}`)).toEqual([]);
  });

  it("flowctl start runs the demo pipeline with live status until Ctrl-C", async () => {
    const dir = tempDir();
    const run = flowctl(["start", "--no-persistence", "--status-interval", "1s", "--log-dir", path.join(dir, "logs")], dir);
    await waitFor("a status line with the demo's generator flowing", () => /status generator out [1-9]/.test(run.output()), 90_000, 200);
    const pids = [...run.output().matchAll(/started \(pid (\d+)/g)].map((m) => Number(m[1]));
    expect(pids.length).toBeGreaterThanOrEqual(4);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain("run STOPPED");
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
        throw err;
      }
    });
    expect(alive).toEqual([]);
  });

  it("the next engine reaps the components of an engine that was SIGKILLed", async () => {
    const dir = tempDir();
    const a = path.join(dir, "a");
    const b = path.join(dir, "b");
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    const db = path.join(dir, "runs.db");
    const first = writePipeline(a, { name: "killed", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 100 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
    markCommands(first.file, a);
    const run = flowctl(["run", first.file, "--control-plane-port", "0", "--db-path", db], dir);
    await waitFor("the first run to be RUNNING", () => run.output().includes("run RUNNING"), 60_000);
    // The components print once registered; a line written after their engine died would hit a
    // closed pipe (EPIPE) and end them, so wait until both said it before killing the engine.
    await waitFor("both components' registered lines", () => /src: registered/.test(run.output()) && /sink: registered/.test(run.output()), 60_000);
    run.child.kill("SIGKILL");
    await run.exited;
    // Own process groups: the components survive their engine's SIGKILL…
    expect(processesMatching(`--marker=${a}`)).toHaveLength(2);
    const second = writePipeline(b, { name: "next", sources: [{ id: "src", env: { EVENT_COUNT: 10 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
    markCommands(second.file, b);
    const next = flowctl(["run", second.file, "--control-plane-port", "0", "--db-path", db], dir);
    expect(await next.exited).toBe(0);
    // …until the next engine marks their run INTERRUPTED and reaps them (the reaper itself is
    // tested deterministically in orphan-reaper.int.test.ts).
    await waitFor("the orphans to be gone", () => processesMatching(`--marker=${a}`).length === 0, 10_000);
    const store = await openStore({ databaseUrl: `file:${db}` });
    try {
      const [killed] = await store.runs.list({ pipelineName: "killed" });
      expect(killed!.status).toBe("INTERRUPTED");
    } finally {
      await store.close();
    }
  });

  it("a bad pipeline fails before anything is started, printing the diagnostics", async () => {
    const dir = tempDir();
    const file = path.join(dir, "bad.yaml");
    fs.writeFileSync(
      file,
      [
        "apiVersion: flowctl/v1",
        "kind: Pipeline",
        "metadata: { name: bad }",
        "spec:",
        "  sources:",
        "    - id: src",
        `      command: ["${process.execPath}", "--marker=${dir}"]`,
        "  sinks:",
        "    - id: sink",
        `      command: ["${process.execPath}", "--marker=${dir}"]`,
        "      inputs: [nope]",
        "",
      ].join("\n"),
    );
    const run = flowctl(["run", file, "--control-plane-port", "0", "--no-persistence"], dir);
    const code = await run.exited;
    expect(code).toBe(1);
    expect(run.output()).toContain("bad.yaml");
    expect(run.output()).toMatch(/nope/);
    expect(run.output()).not.toContain("run id");
    expect(fs.existsSync(path.join(dir, ".flowctl", "logs"))).toBe(false);
    expect(processesMatching(`--marker=${dir}`)).toEqual([]);
  });

  it("--for stops the run after the duration and prints the summary", async () => {
    const dir = tempDir();
    const { file } = writePipeline(dir, { name: "for", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 500 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
    markCommands(file, dir);
    const run = flowctl(["run", file, "--control-plane-port", "0", "--db-path", path.join(dir, "runs.db"), "--for", "1500ms", "--show-status", "--status-interval", "500ms"], dir);
    const code = await run.exited;
    expect(code).toBe(0);
    // What --for promises: the run stops by itself, for that reason, and reports. How many events
    // fit in 1.5 s depends on the machine (none at all on a loaded one), so no count is asserted.
    expect(run.output()).toMatch(/stopping run .*--for 1500 ms elapsed/);
    expect(run.output()).toContain("run STOPPED");
    expect(run.output()).toMatch(/sink\s+sink\s+\d+/);
    expect(fs.existsSync(path.join(dir, "runs.db"))).toBe(true);
    expect(processesMatching(`--marker=${dir}`)).toEqual([]);
  });

  it("a run that fails exits non-zero with the reason", async () => {
    const dir = tempDir();
    const { file } = writePipeline(dir, { name: "fails", sources: [{ id: "src", env: { EVENT_COUNT: 5 } }], sinks: [{ id: "sink", inputs: ["src"], env: { NO_REGISTER: 1 } }] });
    markCommands(file, dir);
    const run = flowctl(["run", file, "--control-plane-port", "0", "--no-persistence", "--registration-timeout", "6s"], dir);
    const code = await run.exited;
    expect(code).toBe(1);
    expect(run.output()).toContain("run FAILED");
    // The sink is named, first or among those still missing (a loaded machine may delay the source too).
    expect(run.output()).toMatch(/component sink did not register within 6000 ms|did not register within 6000 ms[\s\S]*also not registered yet: sink/);
    expect(processesMatching(`--marker=${dir}`)).toEqual([]);
  });

  it("a component that throws at start: the reason (its error line) is printed once, without stack frames", async () => {
    const dir = tempDir();
    const { file } = writePipeline(dir, {
      name: "throws",
      sources: [{ id: "src", env: { EVENT_COUNT: 5 } }],
      sinks: [{ id: "sink", inputs: ["src"], env: { THROW_ON_START: "cannot reach the database at db:5432" } }],
    });
    markCommands(file, dir);
    const run = flowctl(["run", file, "--control-plane-port", "0", "--no-persistence", "--no-component-logs"], dir);
    expect(await run.exited).toBe(1);
    const out = run.output();
    expect(out).toContain("run FAILED");
    expect(out.split("component sink exited before registering (exit code 1) — Error: cannot reach the database at db:5432").length - 1).toBe(1);
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).not.toContain("last log lines");
  });
});
