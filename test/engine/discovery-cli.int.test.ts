/**
 * Running more than one thing from one directory, as a user does: `flowctl run` and `flowctl
 * server` announce their control plane in `.flowctl/discovery`, `status` and `pipelines` find it
 * without flags, a busy default port falls back (run) or says what to pass (server, an explicit
 * port), and the files go away with their processes — or are ignored once a process is killed.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { discoveryDir, readDiscovery } from "../../server/lifecycle/discovery";
import { cleanupChildren, flowctl } from "./cli-harness";
import { tempDir, waitFor } from "./engine-harness";

afterEach(cleanupChildren);

/** A built-in pipeline that runs until stopped, at a gentle rate. */
function writeEndless(dir: string, name: string): string {
  const file = path.join(dir, `${name}.yaml`);
  const spec = {
    sources: [{ id: `${name}-gen`, type: "load-generator", env: { EVENTS_PER_SECOND: 50 } }],
    sinks: [{ id: `${name}-out`, type: "blackhole", inputs: [`${name}-gen`] }],
  };
  fs.writeFileSync(file, stringify({ apiVersion: "flowctl/v1", kind: "Pipeline", metadata: { name }, spec }));
  return file;
}

/** Holds 127.0.0.1:8080 for the test when it is free (when it is not, someone else holds it: same effect). */
async function holdDefaultPort(): Promise<net.Server | undefined> {
  // Not a control plane: a connection is closed at once, so a client fails fast (UNAVAILABLE).
  const srv = net.createServer((socket) => socket.destroy());
  return new Promise((resolve) => {
    srv.once("error", () => resolve(undefined));
    srv.listen({ host: "127.0.0.1", port: 8080, exclusive: true }, () => resolve(srv));
  });
}

/** On a loaded 2-core machine registration can take longer than the default 30 s. */
const SLOW_START = ["--registration-timeout", "90s"];

const runIdOf = (output: string) => /run id\s+([0-9a-f-]{36})/.exec(output)?.[1];

describe("discovery: commands find what runs from this directory", () => {
  it("status and pipelines find two runs without flags; stop reaches the run it names; files go with their processes", async () => {
    const dir = tempDir("flowctl-discovery-");
    const held = await holdDefaultPort();
    try {
      const a = flowctl(["run", writeEndless(dir, "alpha"), "--no-persistence", ...SLOW_START], dir);
      await waitFor("alpha RUNNING", () => a.output().includes("run RUNNING"), 60_000);
      // 8080 is busy: the run moved to a free port and said so.
      expect(a.output()).toMatch(/control plane port 8080 is in use by another process: listening on a free port instead/);
      const b = flowctl(["run", writeEndless(dir, "beta"), "--no-persistence", ...SLOW_START], dir);
      await waitFor("beta RUNNING", () => b.output().includes("run RUNNING"), 60_000);
      const alphaRun = runIdOf(a.output())!;
      expect(readDiscovery({ cwd: dir }).entries.map((e) => [e.kind, e.pipeline, e.runId])).toEqual([
        ["run", "beta", runIdOf(b.output())],
        ["run", "alpha", alphaRun],
      ]);

      const status = flowctl(["status", "-o", "json"], dir);
      expect(await status.exited, status.output()).toBe(0);
      // The newest is shown; the note names the other with the flag that selects it.
      const ids = (JSON.parse(status.stdout()) as { components: Array<{ id: string }> }).components.map((c) => c.id).sort();
      expect(ids).toEqual(["beta-gen", "beta-out"]);
      const alphaEndpoint = readDiscovery({ cwd: dir }).entries.find((e) => e.pipeline === "alpha")!.endpoint;
      expect(status.output()).toContain(`note: 2 control planes are running from this directory`);
      expect(status.output()).toContain(`--control-plane-addr ${alphaEndpoint}`);

      // The run id picks the engine that runs it.
      const stop = flowctl(["pipelines", "stop", alphaRun.slice(0, 8)], dir);
      expect(await stop.exited, stop.output()).toBe(0);
      expect(await a.exited).toBe(0);
      expect(a.output()).toContain("run STOPPED");
      expect(readDiscovery({ cwd: dir }).entries.map((e) => e.pipeline)).toEqual(["beta"]);

      // An explicit port that is busy fails up front, naming who holds it and what to pass.
      const betaEndpoint = readDiscovery({ cwd: dir }).entries[0]!;
      const clash = flowctl(["run", writeEndless(dir, "gamma"), "--no-persistence", "--control-plane-port", String(betaEndpoint.port), ...SLOW_START], dir);
      expect(await clash.exited).toBe(1);
      expect(clash.output()).toContain(`--control-plane-port: 127.0.0.1:${betaEndpoint.port} is in use by flowctl run (pipeline beta, run ${betaEndpoint.runId!.slice(0, 8)}, pid ${betaEndpoint.pid}); pass --control-plane-port 0 for any free port`);

      b.child.kill("SIGINT");
      expect(await b.exited).toBe(0);
      expect(fs.readdirSync(discoveryDir(dir))).toEqual([]);
    } finally {
      held?.close();
    }
    // Two runs and four commands one after another: minutes on a loaded 2-core machine.
  }, 300_000);

  it("a standalone server is found by status and by `run --use-external-control-plane`; a busy --port says what to pass", async () => {
    const dir = tempDir("flowctl-discovery-");
    const server = flowctl(["server", "--port", "0", "--no-persistence"], dir);
    await waitFor("the server to be ready", () => server.output().includes("Control plane ready"), 60_000);
    const entry = readDiscovery({ cwd: dir }).entries[0]!;
    expect(entry).toMatchObject({ kind: "server", tokenRequired: false, tls: false, database: null });

    const run = flowctl(["run", writeEndless(dir, "delta"), "--use-external-control-plane", "--no-persistence", ...SLOW_START], dir);
    await waitFor("delta RUNNING", () => run.output().includes("run RUNNING"), 60_000);
    expect(run.output()).toContain(`control plane ${entry.endpoint} (external)`);

    const status = flowctl(["status", "-o", "json"], dir);
    expect(await status.exited, status.output()).toBe(0);
    expect((JSON.parse(status.stdout()) as { components: Array<{ id: string }> }).components.map((c) => c.id).sort()).toEqual(["delta-gen", "delta-out"]);

    const second = flowctl(["server", "--port", String(entry.port), "--no-persistence"], dir);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`--port: 127.0.0.1:${entry.port} is in use by flowctl server (pid ${entry.pid}); pass --port 0 for any free port`);
  }, 300_000);

  it("ignores the file of an engine that was killed, and says nothing runs here", async () => {
    const dir = tempDir("flowctl-discovery-");
    // What a SIGKILLed engine leaves: its file, naming a pid that no longer exists.
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const pid = Number(gone.stdout);
    fs.mkdirSync(discoveryDir(dir), { recursive: true });
    const stale = path.join(discoveryDir(dir), `${pid}-40999.json`);
    const entry = { version: 1, kind: "run", pid, endpoint: "127.0.0.1:40999", address: "127.0.0.1", port: 40999, tokenRequired: false, tls: false, startedAt: new Date().toISOString(), cwd: dir, database: null, command: "flowctl run x.yaml" };
    fs.writeFileSync(stale, JSON.stringify(entry));
    // Whatever holds 8080 (this test, or another process) is not a control plane.
    const held = await holdDefaultPort();
    try {
      const status = flowctl(["status"], dir);
      expect(await status.exited).toBe(1);
      expect(status.output()).toContain(`no control plane is reachable at 127.0.0.1:8080 (none running from this directory (nothing in ${discoveryDir(dir)}))`);
      expect(status.output()).toContain("start a pipeline from this directory with: flowctl run <pipeline.yaml>");
      expect(fs.existsSync(stale)).toBe(false);
    } finally {
      held?.close();
    }
  });
});
