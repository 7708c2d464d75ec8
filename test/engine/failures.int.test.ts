/**
 * Failure handling with real processes: kill -9 mid-run (restart, reconnect, lost/redelivered
 * accounting), crash loops, registration timeouts, stalled sinks (backpressure with `block`,
 * counted drops with `drop_oldest`) and bounded engine memory.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_INFLIGHT_BATCHES, SOURCE_CREDITS } from "../../server/engine/router/links/index";
import type { RunHandle } from "../../server/engine/run-pipeline";
import { openStore, type Store } from "../../server/storage/store";
import { readCount, startRun, tempDir, waitFor, writePipeline } from "./engine-harness";

const runs: RunHandle[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop("test cleanup")));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe.each(["batch", "event"] as const)("kill -9 of a processor on the %s wire", (wire) => {
  it("restarts it, keeps flowing, and accounts for the events in flight", async () => {
    const dir = tempDir();
    const sinkCount = path.join(dir, "sink.count");
    const store = await openStore({ databaseUrl: `file:${path.join(dir, "flowctl.db")}` });
    stores.push(store);
    const N = 12_000;
    const { file } = writePipeline(
      dir,
      {
        name: "crash",
        sources: [{ id: "src", env: { EVENT_COUNT: N, EVENTS_PER_SECOND: 4000 } }],
        processors: [{ id: "proc", inputs: ["src"] }],
        sinks: [{ id: "sink", inputs: ["proc"], env: { COUNT_FILE: sinkCount } }],
      },
      wire,
    );
    const handle = await startRun(file, { store, backoff: { initialMs: 100, maxMs: 500, factor: 2 } });
    runs.push(handle);
    await waitFor("events at the sink", () => readCount(sinkCount) > 2000);
    const proc = handle.topology().components.find((c) => c.id === "proc")!.instances[0]!;
    expect(proc.pid).toBeGreaterThan(0);
    process.kill(proc.pid!, "SIGKILL");
    await waitFor("the processor restarted", () => handle.topology().components.find((c) => c.id === "proc")!.instances[0]!.restarts === 1);
    const summary = await handle.done;
    expect(summary.error).toBeNull();
    expect(summary.status).toBe("COMPLETED");
    const p = summary.components.find((c) => c.id === "proc")!;
    expect(p.restarts).toBe(1);
    // Every event is either at the sink or reported lost; on the batched wire nothing is lost.
    expect(readCount(sinkCount) + p.lost).toBe(N);
    if (wire === "batch") expect(p.lost).toBe(0);
    const metrics = await handle.metrics.registry.getSingleMetricAsString("flowctl_component_restarts_total");
    expect(metrics).toMatch(/component_id="proc"[^\n]* 1/);
    const events = await store.runs.listEvents(handle.runId);
    const types = events.map((e) => e.type);
    expect(types).toContain("component.exited");
    expect(types).toContain("component.restarted");
    expect(events.find((e) => e.type === "component.exited" && e.componentId === "proc")!.data).toMatchObject({ signal: "SIGKILL" });
    const record = await store.runs.get(handle.runId);
    expect(record!.status).toBe("COMPLETED");
    expect(record!.metrics!.components.proc!.restarts).toBe(1);
  });
});

describe.each(["event", "batch"] as const)("kill -9 of a sink on the %s wire", (wire) => {
  it("redelivers what the dead sink had not confirmed: every event arrives at least once", async () => {
    const dir = tempDir();
    const counts = path.join(dir, "counts");
    fs.mkdirSync(counts);
    const N = 10_000;
    const { file } = writePipeline(
      dir,
      {
        name: "sink-crash",
        sources: [{ id: "src", env: { EVENT_COUNT: N, EVENTS_PER_SECOND: 4000 } }],
        sinks: [{ id: "sink", inputs: ["src"], env: { COUNT_DIR: counts } }],
      },
      wire,
    );
    const handle = await startRun(file, { backoff: { initialMs: 100, maxMs: 500, factor: 2 } });
    runs.push(handle);
    const total = () => fs.readdirSync(counts).filter((f) => f.endsWith(".count")).reduce((a, f) => a + readCount(path.join(counts, f)), 0);
    await waitFor("events at the sink", () => total() > 2000);
    process.kill(handle.topology().components.find((c) => c.id === "sink")!.instances[0]!.pid!, "SIGKILL");
    const summary = await handle.done;
    expect(summary.error).toBeNull();
    expect(summary.status).toBe("COMPLETED");
    const sink = summary.components.find((c) => c.id === "sink")!;
    expect(sink.restarts).toBe(1);
    expect(sink.lost).toBe(0);
    // At least once: nothing missing; duplicates only among what was redelivered.
    expect(total()).toBeGreaterThanOrEqual(N);
    expect(total()).toBeLessThanOrEqual(N + sink.redelivered);
  });
});

describe("crash loops and start failures", () => {
  it("a component that keeps crashing fails the run with the reason", async () => {
    const dir = tempDir();
    const { file } = writePipeline(dir, {
      name: "crash-loop",
      sources: [{ id: "src", env: { EVENTS_PER_SECOND: 100 } }],
      processors: [{ id: "flaky", inputs: ["src"], env: { CRASH_AFTER_MS: 100 } }],
      sinks: [{ id: "sink", inputs: ["flaky"] }],
    });
    const handle = await startRun(file, { backoff: { initialMs: 50, maxMs: 200, factor: 2 }, crashLoop: { maxRestarts: 3, windowMs: 60_000 } });
    runs.push(handle);
    const summary = await handle.done;
    expect(summary.status).toBe("FAILED");
    expect(summary.error).toMatch(/component flaky is crash-looping \(3 restarts within 60s\); last exit: exit code 3/);
    expect(summary.components.find((c) => c.id === "flaky")!.restarts).toBe(3);
  });

  it("a component that never registers fails the start, naming it, its log file and last lines", async () => {
    const dir = tempDir();
    const { file } = writePipeline(dir, {
      name: "no-register",
      sources: [{ id: "src", env: { EVENT_COUNT: 10 } }],
      sinks: [{ id: "mute", inputs: ["src"], env: { NO_REGISTER: 1 } }],
    });
    const handle = await startRun(file, { registrationTimeoutMs: 15_000 });
    runs.push(handle);
    const summary = await handle.done;
    expect(summary.status).toBe("FAILED");
    const log = path.join(dir, ".flowctl", "logs", handle.runId, "mute.log");
    // mute is named with its log file — first, or (if a loaded machine also delayed the healthy
    // source past the timeout) among those still missing; no assumption on how fast src starts.
    expect(summary.error).toMatch(/component (mute|src) did not register within 15000 ms/);
    expect(summary.error).toMatch(/mute did not register|also not registered yet: mute/);
    expect(summary.error).toContain(log);
    // The first missing component's error line (its last meaningful log line), or that it wrote none.
    expect(summary.error).toMatch(/did not register within 15000 ms \(.*\) (— .+|\(no output\)); log file:/);
    await waitFor("mute's log to be closed", () => fs.readFileSync(log, "utf8").includes("exit:"));
    expect(fs.readFileSync(log, "utf8")).toContain("mute: sink (event wire) listening");
  });

  it("a component that throws before registering is reported by its error line, once, without its stack", async () => {
    const dir = tempDir();
    const { file } = writePipeline(dir, {
      name: "throws-at-start",
      sources: [{ id: "src", env: { EVENT_COUNT: 10 } }],
      sinks: [{ id: "db", inputs: ["src"], env: { THROW_ON_START: "cannot reach the database at db:5432" } }],
    });
    const handle = await startRun(file);
    runs.push(handle);
    const summary = await handle.done;
    expect(summary.status).toBe("FAILED");
    expect(summary.error).toBe(
      `component db exited before registering (exit code 1) — Error: cannot reach the database at db:5432; log file: ${path.join(dir, ".flowctl", "logs", handle.runId, "db.log")}`,
    );
  });

  it("a command that does not exist fails the start with the spawn error", async () => {
    const dir = tempDir();
    const { file } = writePipeline(dir, { name: "enoent", sources: [{ id: "src", env: { EVENT_COUNT: 10 } }], sinks: [{ id: "sink", inputs: ["src"] }] });
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/- id: sink\n(\s+)command:\n(\s+)- [^\n]+\n(\s+)- [^\n]+/, "- id: sink\n$1command:\n$2- ./no-such-binary"));
    const handle = await startRun(file);
    runs.push(handle);
    const summary = await handle.done;
    expect(summary.status).toBe("FAILED");
    expect(summary.error).toMatch(/component sink exited before registering \(failed to start: ENOENT/);
  });
});

describe("sources that vanish", () => {
  it("a source that exits 0 without ending its stream still lets the run complete", async () => {
    const dir = tempDir();
    const sinkCount = path.join(dir, "sink.count");
    const { file } = writePipeline(dir, {
      name: "vanishing-source",
      sources: [{ id: "src", env: { EVENT_COUNT: 500, EXIT_WHEN_DONE: 1 } }],
      sinks: [{ id: "sink", inputs: ["src"], env: { COUNT_FILE: sinkCount } }],
    });
    const handle = await startRun(file);
    runs.push(handle);
    const summary = await handle.done;
    expect(summary.status).toBe("COMPLETED");
    expect(readCount(sinkCount)).toBe(500);
  });
});

describe("components that do not speak their role", () => {
  it("fails the run when a sink does not serve the consumer service", async () => {
    const dir = tempDir();
    const { file } = writePipeline(dir, {
      name: "wrong-role",
      sources: [{ id: "src", env: { EVENT_COUNT: 100 } }],
      sinks: [{ id: "sink", inputs: ["src"], env: { ROLE: "source" } }],
    });
    const handle = await startRun(file);
    runs.push(handle);
    const summary = await handle.done;
    expect(summary.status).toBe("FAILED");
    expect(summary.error).toMatch(/sink does not serve the per-event sink service it registered for \(UNIMPLEMENTED/);
  });
});

describe("stalled sink", () => {
  it("with block: the source stops, nothing is dropped, memory stays bounded", async () => {
    const dir = tempDir();
    const srcCount = path.join(dir, "src.count");
    const { file } = writePipeline(
      dir,
      {
        name: "stalled-block",
        sources: [{ id: "src", env: { COUNT_FILE: srcCount, PAYLOAD_BYTES: 1024 } }],
        sinks: [{ id: "sink", inputs: ["src"], env: { STALL: 1 }, queue: { capacity: 200, policy: "block" } }],
      },
      "batch",
    );
    const rssBefore = process.memoryUsage().rss;
    const handle = await startRun(file);
    runs.push(handle);
    await waitFor("the source to produce", () => readCount(srcCount) > 0);
    // The source's count stops moving: poll until two reads 500 ms apart agree.
    let last = -1;
    await waitFor(
      "the source rate to fall to zero",
      () => {
        const now = readCount(srcCount);
        const stable = now === last;
        last = now;
        return stable;
      },
      30_000,
      500,
    );
    const stalledAt = readCount(srcCount);
    const sink = handle.snapshot().find((c) => c.id === "sink")!;
    expect(sink.dropped).toBe(0);
    // Bounded: the queue's capacity, plus what the sink holds unacknowledged, plus the source's
    // credits (batches of at most 100 events).
    expect(stalledAt).toBeLessThanOrEqual(200 + MAX_INFLIGHT_BATCHES * 100 + SOURCE_CREDITS * 100);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
    const summary = await handle.stop("test");
    expect(summary.status).toBe("STOPPED");
    expect(summary.components.find((c) => c.id === "sink")!.dropped).toBe(0);
  });

  it("with drop_oldest: the source keeps going and drops are counted", async () => {
    const dir = tempDir();
    const srcCount = path.join(dir, "src.count");
    const { file } = writePipeline(
      dir,
      {
        name: "stalled-drop",
        sources: [{ id: "src", env: { COUNT_FILE: srcCount, EVENT_COUNT: 5000 } }],
        sinks: [{ id: "sink", inputs: ["src"], env: { STALL: 1 }, queue: { capacity: 100, policy: "drop_oldest" } }],
      },
      "batch",
    );
    const handle = await startRun(file);
    runs.push(handle);
    await waitFor("the source to send everything", () => readCount(srcCount) === 5000);
    await waitFor("drops to be counted", () => handle.snapshot().find((c) => c.id === "sink")!.dropped > 0);
    const summary = await handle.stop("test");
    expect(summary.status).toBe("STOPPED");
    const sink = summary.components.find((c) => c.id === "sink")!;
    expect(sink.dropped).toBeGreaterThanOrEqual(5000 - 100 - MAX_INFLIGHT_BATCHES * 100);
    const dropped = await handle.metrics.registry.getSingleMetricAsString("flowctl_edge_dropped_total");
    expect(dropped).toMatch(/from="src",to="sink"\} [1-9]/);
  });
});
