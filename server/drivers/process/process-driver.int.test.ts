/**
 * The process driver's output handling with real child processes: stdout and stderr collected
 * separately and tagged, an unwritable log file (disk full) neither crashing the engine nor
 * losing the output for the console, and the log writer's back-pressure.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InstanceLogWriter } from "./log-stream";
import { spawnInstance } from "./process-driver";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "flowctl-driver-"));
}

function node(script: string): string[] {
  return [process.execPath, "-e", script];
}

describe("spawnInstance output", () => {
  it("collects stdout and stderr separately: partial lines never mix and each line keeps its stream", async () => {
    const logDir = tempDir();
    const lines: [string, string][] = [];
    // Each write waits for the previous one to be read, so the old shared collector would glue them.
    const script = `
      const fs = require("node:fs");
      const steps = [[1, "out-"], [2, "err-line\\n"], [1, "rest\\n"], [2, "tail without newline"]];
      let i = 0;
      const next = () => { if (i < steps.length) { const [fd, s] = steps[i++]; fs.writeSync(fd, s); setTimeout(next, 30); } };
      next();`;
    const h = spawnInstance({ instanceId: "c", argv: node(script), cwd: logDir, env: { PATH: process.env.PATH ?? "" }, logDir, runId: "r1", onLine: (l, s) => lines.push([s, l]) });
    expect(await h.exited).toMatchObject({ code: 0 });
    expect(lines).toEqual([
      ["stderr", "err-line"],
      ["stdout", "out-rest"],
      ["stderr", "tail without newline"],
    ]);
    const file = fs.readFileSync(h.logFile, "utf8");
    expect(file).toContain("err-line\nout-rest\n");
  });

  it("keeps running and keeps delivering lines when the log file cannot be written (disk full)", async () => {
    const logDir = tempDir();
    fs.mkdirSync(path.join(logDir, "r1"));
    // Every write to /dev/full fails with ENOSPC, like a full disk.
    fs.symlinkSync("/dev/full", path.join(logDir, "r1", "c.log"));
    const errors: string[] = [];
    const lines: string[] = [];
    const h = spawnInstance({
      instanceId: "c",
      argv: node(`for (let i = 0; i < 2000; i++) console.log("line " + i);`),
      cwd: logDir,
      env: { PATH: process.env.PATH ?? "" },
      logDir,
      runId: "r1",
      onLine: (l) => lines.push(l),
      onLogError: (e) => errors.push(e.message),
    });
    expect(await h.exited).toMatchObject({ code: 0 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ENOSPC/);
    expect(lines).toHaveLength(2000);
    expect(lines.at(-1)).toBe("line 1999");
  });
});

describe("InstanceLogWriter", () => {
  it("reports back-pressure while the file lags and releases it once drained", async () => {
    const logDir = tempDir();
    const states: boolean[] = [];
    const w = new InstanceLogWriter(logDir, "r1", "c", (e) => {
      throw e;
    });
    w.onBackPressure((paused) => states.push(paused));
    w.write("x".repeat(1024 * 1024));
    expect(states).toEqual([true]);
    await new Promise<void>((resolve) => {
      const check = () => (states.length === 2 ? resolve() : setImmediate(check));
      check();
    });
    expect(states).toEqual([true, false]);
    await w.end("end\n");
    expect(fs.statSync(w.file).size).toBe(1024 * 1024 + 4);
  });
});
