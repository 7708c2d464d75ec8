/**
 * The engine survives its own faults: whatever breaks while a run ends (a listener that throws,
 * a component that cannot be signalled, a bug that throws out of the event loop), the components
 * are stopped and the run record ends terminal.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { ComponentDriver } from "../../server/drivers/driver";
import { ProcessDriver } from "../../server/drivers/process/process-driver";
import type { RunHandle } from "../../server/engine/run-pipeline";
import { openStore, type Store } from "../../server/storage/store";
import { processesOfRun, startRun, tempDir, waitFor, writePipeline } from "./engine-harness";

const runs: RunHandle[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop("test cleanup")));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CRASH = path.join(REPO, "test/support/engine-crash.ts");

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("ending a run", () => {
  it("still ends the run and stops its components when an event listener throws", async () => {
    const dir = tempDir();
    const store = await openStore({ databaseUrl: `file:${path.join(dir, "flowctl.db")}` });
    stores.push(store);
    const { file } = writePipeline(dir, { name: "listener", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 200 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
    const handle = await startRun(file, { store });
    runs.push(handle);
    await waitFor("RUNNING", () => handle.state === "running");
    const pids = handle.topology().components.flatMap((c) => c.instances.map((i) => i.pid));
    handle.onEvent(() => {
      throw new Error("a console listener broke");
    });
    expect((await handle.stop("test")).status).toBe("STOPPED");
    expect((await store.runs.get(handle.runId))!.status).toBe("STOPPED");
    expect(pids.filter(alive)).toEqual([]);
  });

  it("kills a component that cannot be asked to stop, and the run still ends with its record terminal", async () => {
    const dir = tempDir();
    const store = await openStore({ databaseUrl: `file:${path.join(dir, "flowctl.db")}` });
    stores.push(store);
    const logDir = path.join(dir, ".flowctl", "logs");
    const real = new ProcessDriver({ logDir });
    // A driver whose graceful stop fails for the sink (as a signal the OS refuses would).
    const driver: ComponentDriver = {
      kind: "process",
      bindHost: real.bindHost,
      allocatePorts: (n) => real.allocatePorts(n),
      reap: (id) => real.reap(id),
      start: (spec, out) => {
        const h = real.start(spec, out);
        if (spec.instanceId !== "sink") return h;
        return Object.assign(Object.create(h) as typeof h, {
          terminate: () => {
            throw new Error("EPERM: operation not permitted");
          },
        });
      },
    };
    const { file } = writePipeline(dir, { name: "unsignalled", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 200 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
    const handle = await startRun(file, { store, driver, logDir });
    runs.push(handle);
    await waitFor("RUNNING", () => handle.state === "running");
    const pids = handle.topology().components.flatMap((c) => c.instances.map((i) => i.pid));
    const summary = await handle.stop("test");
    expect(summary.status).toBe("FAILED");
    expect(summary.error).toMatch(/sink: terminate failed \(EPERM/);
    expect((await store.runs.get(handle.runId))!.status).toBe("FAILED");
    expect(pids.filter(alive)).toEqual([]);
  });
});

describe("an engine process that hits a bug", () => {
  it("logs it, stops its runs (record terminal, no component left) and exits 70", async () => {
    const dir = tempDir();
    const db = path.join(dir, "flowctl.db");
    const { file } = writePipeline(dir, { name: "crashing-engine", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 200 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
    const child = spawn(process.execPath, ["--import", "tsx", CRASH, file, db, path.join(dir, "logs")], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
    await waitFor("the run to be RUNNING", () => out.includes("RUNNING "), 60_000);
    const runId = /RUNNING (\S+)/.exec(out)![1]!;
    expect(await exited).toBe(70);
    expect(out).toContain("engine error (uncaught exception)");
    expect(out).toContain("boom: a bug in the engine");
    const store = await openStore({ databaseUrl: `file:${db}` });
    stores.push(store);
    expect((await store.runs.get(runId))!.status).toBe("STOPPED");
    expect(processesOfRun(runId)).toEqual([]);
  });
});
