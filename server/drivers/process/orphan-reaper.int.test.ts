/** The reaper kills only live process groups whose environment names the interrupted run. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { reapRunProcesses, recordProcess } from "./orphan-reaper";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, "SIGKILL");
});

function idle(runId: string): ChildProcess {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore", env: { ...process.env, FLOWCTL_RUN_ID: runId } });
  children.push(child);
  return child;
}

function exited(c: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(c.signalCode) : c.once("exit", (_code, sig) => resolve(sig))));
}

describe("reapRunProcesses", () => {
  it("kills the recorded groups of the run and leaves every other process alone", async () => {
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "flowctl-reaper-"));
    const mine = idle("run-a");
    const recycled = idle("run-b"); // recorded under run-a, but its environment says otherwise
    recordProcess(logDir, "run-a", { instanceId: "src", pid: mine.pid!, startedAt: new Date().toISOString() });
    recordProcess(logDir, "run-a", { instanceId: "sink", pid: recycled.pid!, startedAt: new Date().toISOString() });
    recordProcess(logDir, "run-a", { instanceId: "gone", pid: 999_999_999, startedAt: new Date().toISOString() });
    expect(reapRunProcesses(logDir, "run-a")).toEqual([mine.pid]);
    expect(await exited(mine)).toBe("SIGKILL");
    expect(recycled.exitCode).toBeNull();
    expect(recycled.signalCode).toBeNull();
    expect(reapRunProcesses(logDir, "never-ran")).toEqual([]);
  });
});
