/**
 * The fault-injection scenarios of `npm run chaos` (and, shortened, of chaos.int.test.ts). Each
 * runs a real pipeline (real processes, gRPC, SQLite) for a bounded time while injecting one kind
 * of fault, then reads the run's per-edge account: every event must be counted (delivered,
 * dropped, rejected, lost, abandoned) and the engine must end the run itself.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import type { RunHandle } from "../../server/engine/run-pipeline";
import { openStore } from "../../server/storage/store";
import { FIXTURE, processesOfRun, startRun, waitFor, writePipeline } from "../engine/engine-harness";
import { countLines, pause, resultOf, sampleRss, skipped, sumCounts, type ChaosContext, type ChaosResult, type Scenario } from "./chaos-harness";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RAW = path.resolve(HERE, "../fixtures/foreign-components/raw-batch-component.mjs");
const FLAKY = path.resolve(HERE, "../fixtures/sdk-components/flaky-sink.mjs");
const BIN = path.resolve(HERE, "../../bin/flowctl.mjs");

/** Restarts are the point here: no crash-loop verdict, quick backoff. */
const TOLERANT = { backoff: { initialMs: 100, maxMs: 1_000, factor: 2 }, crashLoop: { maxRestarts: 1_000, windowMs: 60_000 }, registrationTimeoutMs: 60_000 } as const;

const delivered = (h: RunHandle, sink: string) => h.edgeAccounts().filter((e) => e.to === sink).reduce((a, e) => a + e.delivered, 0);

/** Waits until `sink` has been delivered more than `before` events; returns the time it took. */
async function recovered(h: RunHandle, sink: string, before: number, since: number): Promise<number> {
  await waitFor(`${sink} to receive events again`, () => delivered(h, sink) > before, 120_000, 20);
  return Date.now() - since;
}

function yamlFile(dir: string, name: string, spec: object): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, stringify({ apiVersion: "flowctl/v1", kind: "Pipeline", metadata: { name }, spec }));
  return file;
}

/** kill -9 of random instances; `wire` picks the components' data-plane wire. */
const killRandom = (wire: "batch" | "event"): Scenario => ({
  name: wire === "batch" ? "kill -9" : "kill -9 (per-event wire)",
  fault: `kill -9 of a random component (source, processor or sink) every 2 s${wire === "event" ? ", flowctl.v1 per-event wire (no acknowledgements)" : ""}`,
  async run(ctx) {
    const counts = path.join(ctx.dir, "counts");
    fs.mkdirSync(counts);
    const { file } = writePipeline(
      ctx.dir,
      { name: "chaos-kill", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 2000 } }], processors: [{ id: "proc", inputs: ["src"] }], sinks: [{ id: "sink", inputs: ["proc"], env: { COUNT_DIR: counts } }] },
      wire,
    );
    const rss = sampleRss();
    const h = await startRun(file, TOLERANT);
    await waitFor("RUNNING", () => h.state === "running", 120_000);
    let faults = 0;
    let recoveryMs = 0;
    const end = Date.now() + ctx.durationMs;
    while (Date.now() < end) {
      await pause(2_000);
      const live = h.topology().components.flatMap((c) => c.instances).filter((i) => i.pid !== undefined && i.status === "running");
      const victim = live[Math.floor(Math.random() * live.length)];
      if (!victim) continue;
      const before = delivered(h, "sink");
      const at = Date.now();
      process.kill(victim.pid!, "SIGKILL");
      faults++;
      ctx.log(`  killed ${victim.instanceId} (pid ${victim.pid})`);
      recoveryMs = Math.max(recoveryMs, await recovered(h, "sink", before, at));
    }
    const s = await h.stop("chaos: duration over");
    const r = resultOf(s, { scenario: this.name, fault: this.fault, faults, recoveryMs, engineRssMb: rss.stop() });
    // The sink counts what it processed; redelivery after a crash can repeat some (at-least-once).
    r.duplicates = Math.max(0, sumCounts(counts) - r.delivered);
    return r;
  },
});

const hungSink: Scenario = {
  name: "hung sink",
  fault: "SIGSTOP of the sink for 5 s, then SIGCONT (a peer that hangs)",
  async run(ctx) {
    const { file } = writePipeline(ctx.dir, { name: "chaos-hung", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 2000 } }], sinks: [{ id: "sink", inputs: ["src"] }] }, "batch");
    const rss = sampleRss();
    const h = await startRun(file, TOLERANT);
    await waitFor("RUNNING", () => h.state === "running", 120_000);
    const end = Date.now() + ctx.durationMs;
    let faults = 0;
    let recoveryMs = 0;
    while (Date.now() + 6_000 < end || faults === 0) {
      await pause(1_000);
      const pid = h.topology().components.find((c) => c.id === "sink")!.instances[0]!.pid!;
      process.kill(pid, "SIGSTOP");
      faults++;
      await pause(5_000);
      const before = delivered(h, "sink");
      const at = Date.now();
      process.kill(pid, "SIGCONT");
      recoveryMs = Math.max(recoveryMs, await recovered(h, "sink", before, at));
    }
    const s = await h.stop("chaos: duration over");
    return resultOf(s, { scenario: this.name, fault: this.fault, faults, recoveryMs, engineRssMb: rss.stop() });
  },
};

const garbage: Scenario = {
  name: "garbage frames",
  fault: "a source and a sink that each send a truncated frame on their data port",
  async run(ctx) {
    const raw = (id: string, env: Record<string, string>, extra: object = {}) => ({ id, command: [process.execPath, RAW], env, ...extra });
    const file = yamlFile(ctx.dir, "chaos-garbage", {
      sources: [raw("src", { ROLE: "source", PAYLOAD_BYTES: "64", GARBAGE_AT: "20" })],
      sinks: [raw("sink", { ROLE: "sink", GARBAGE_AT: "40" }, { inputs: ["src"] })],
    });
    const rss = sampleRss();
    const h = await startRun(file, TOLERANT);
    const errors: number[] = [];
    h.onEvent((e) => {
      if (e.type === "edge.protocol_error") errors.push(e.at.getTime());
    });
    await waitFor("both garbage frames", () => errors.length >= 2, 120_000);
    const before = delivered(h, "sink");
    const recoveryMs = await recovered(h, "sink", before, Math.max(...errors));
    await pause(Math.max(0, ctx.durationMs - 5_000));
    const s = await h.stop("chaos: duration over");
    const r = resultOf(s, { scenario: this.name, fault: this.fault, faults: errors.length, recoveryMs, engineRssMb: rss.stop() });
    r.notes.push(`${s.components.reduce((a, c) => a + c.protocolErrors, 0)} protocol errors counted, ${s.components.reduce((a, c) => a + c.restarts, 0)} restarts`);
    return r;
  },
};

const neverServes: Scenario = {
  name: "never serves",
  fault: "a sink that registers and never serves its data port",
  async run(ctx) {
    const { file } = writePipeline(ctx.dir, { name: "chaos-mute", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 1000 } }], sinks: [{ id: "sink", inputs: ["src"], env: { NO_SERVE: 1 } }] }, "batch");
    const rss = sampleRss();
    const h = await startRun(file, TOLERANT);
    await waitFor("RUNNING", () => h.state === "running", 120_000);
    await pause(ctx.durationMs);
    const failures = h.snapshot().find((c) => c.id === "sink")!.streamErrors;
    const s = h.state === "running" ? await h.stop("chaos: duration over") : await h.done;
    const r = resultOf(s, { scenario: this.name, fault: this.fault, faults: 1, recoveryMs: null, engineRssMb: rss.stop() });
    r.notes.push(`${failures} failed streams to it, each logged and recorded; after 25 in a row the run fails`);
    return r;
  },
};

const flakySink: Scenario = {
  name: "flaky sink",
  fault: "a sink whose writes fail 30 % of the time (retry: 3 attempts, then dead letters)",
  async run(ctx) {
    const file = yamlFile(ctx.dir, "chaos-flaky", {
      sources: [{ id: "src", command: [process.execPath, FIXTURE], env: { ROLE: "source", WIRE: "batch", EVENTS_PER_SECOND: "2000" } }],
      sinks: [{ id: "db", command: [process.execPath, FLAKY], inputs: ["src"], retry: { max_attempts: 3, backoff_ms: 10, max_backoff_ms: 100 }, env: { FAIL_RATE: "0.3", SEED: "42" } }],
    });
    const rss = sampleRss();
    const h = await startRun(file, TOLERANT);
    await waitFor("RUNNING", () => h.state === "running", 120_000);
    await pause(ctx.durationMs);
    const s = await h.stop("chaos: duration over");
    const r = resultOf(s, { scenario: this.name, fault: this.fault, faults: 0, recoveryMs: null, engineRssMb: rss.stop() });
    r.deadLettered = countLines(path.join(s.logDir, "db.dead-letter.jsonl"));
    const failed = s.components.find((c) => c.id === "db")!.errors;
    r.faults = failed;
    r.notes.push(`the sink's failed events (${failed}) are the dead-lettered ones; written + dead-lettered = delivered`);
    if (failed !== r.deadLettered) r.notes.push(`UNEXPECTED: ${failed} failed but ${r.deadLettered} dead-lettered`);
    return r;
  },
};

/** Mounts a tiny tmpfs (root only) so component log files run out of space. */
function mountTinyDisk(dir: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    return undefined;
  }
}

const fullLogDisk: Scenario = {
  name: "full log disk",
  fault: "component logs on a 64 KiB tmpfs, filled by a sink printing every event",
  async run(ctx) {
    const logDir = mountTinyDisk(path.join(ctx.dir, "tiny-logs"));
    if (!logDir) return skipped(this, "needs root to mount a tmpfs");
    try {
      const file = yamlFile(ctx.dir, "chaos-disk", {
        sources: [{ id: "gen", type: "load-generator", env: { EVENTS_PER_SECOND: 500, EVENT_SIZE_BYTES: 256 } }],
        sinks: [{ id: "print", type: "stdout", inputs: ["gen"] }],
      });
      const rss = sampleRss();
      const h = await startRun(file, { ...TOLERANT, logDir });
      let logFailed = 0;
      h.onEvent((e) => {
        if (e.type === "component.log_failed") logFailed++;
      });
      await waitFor("a log file to fill the disk", () => logFailed > 0, 120_000);
      const before = delivered(h, "print");
      await recovered(h, "print", before, Date.now());
      await pause(ctx.durationMs);
      const s = await h.stop("chaos: duration over");
      const r = resultOf(s, { scenario: this.name, fault: this.fault, faults: logFailed, recoveryMs: null, engineRssMb: rss.stop() });
      r.notes.push("events kept flowing after the log file failed (component.log_failed); output still on the console and in memory");
      return r;
    } finally {
      try {
        execFileSync("umount", [logDir], { stdio: "ignore" });
      } catch {
        // left mounted: the machine's temp cleaner will not remove it, but nothing depends on it
      }
    }
  },
};

const engineKilled: Scenario = {
  name: "engine killed",
  fault: "kill -9 of the engine (flowctl run), then a new engine on the same database",
  async run(ctx) {
    const db = path.join(ctx.dir, "flowctl.db");
    const logDir = path.join(ctx.dir, "logs");
    const { file } = writePipeline(ctx.dir, { name: "chaos-engine", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 1000 } }], sinks: [{ id: "sink", inputs: ["src"] }] }, "batch");
    const engine = spawn(process.execPath, [BIN, "run", file, "--control-plane-port", "0", "--db-path", db, "--log-dir", logDir, "--no-component-logs"], { cwd: ctx.dir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    engine.stdout.on("data", (c: Buffer) => (out += c.toString()));
    engine.stderr.on("data", (c: Buffer) => (out += c.toString()));
    await waitFor("the first engine's run to be RUNNING", () => out.includes("run RUNNING"), 120_000);
    const killedRun = /run id\s+([0-9a-f-]{36})/.exec(out)![1]!;
    await pause(Math.min(3_000, ctx.durationMs / 3));
    const at = Date.now();
    engine.kill("SIGKILL");
    await new Promise((r) => engine.once("close", r));
    const orphans = processesOfRun(killedRun).length;
    ctx.log(`  engine killed; ${orphans} components of its run left running`);
    const rss = sampleRss();
    const store = await openStore({ databaseUrl: `file:${db}` });
    try {
      const { file: next } = writePipeline(path.join(ctx.dir), { name: "chaos-engine-next", sources: [{ id: "src", env: { EVENT_COUNT: 2000, EVENTS_PER_SECOND: 1000 } }], sinks: [{ id: "sink", inputs: ["src"] }] }, "batch");
      const h = await startRun(next, { ...TOLERANT, store, logDir });
      await waitFor("the orphans to be reaped", () => processesOfRun(killedRun).length === 0, 60_000);
      const recoveryMs = Date.now() - at;
      const s = await h.done;
      const old = await store.runs.get(killedRun);
      const r = resultOf(s, { scenario: this.name, fault: this.fault, faults: 1, recoveryMs, engineRssMb: rss.stop() });
      r.notes.push(`killed engine's run ${old?.status ?? "?"}, its ${orphans} orphaned components reaped by the next engine; counts are the next run's`);
      if (old?.status !== "INTERRUPTED") r.notes.push("UNEXPECTED: the killed run was not marked INTERRUPTED");
      return r;
    } finally {
      await store.close();
    }
  },
};

/** Every scenario, in table order. */
export const SCENARIOS: readonly Scenario[] = [killRandom("batch"), killRandom("event"), hungSink, garbage, neverServes, flakySink, fullLogDisk, engineKilled];

/** Runs one scenario in its own directory, never throwing: a failure becomes a row saying so. */
export async function runScenario(s: Scenario, ctx: ChaosContext): Promise<ChaosResult> {
  try {
    return await s.run(ctx);
  } catch (err) {
    const r = skipped(s, "");
    delete r.skipped;
    return { ...r, status: "ERROR", notes: [(err as Error).message.split("\n")[0]!] };
  }
}
