/**
 * Each built-in as a real process (`flowctl component <name>`), driven over real gRPC with plain
 * @grpc/proto-loader clients on both wires; metrics/health endpoints; bad env exits 2.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { BUILTIN_COMPONENTS } from "../../core/spec/builtins";
import { closeClients, collect, dial, FLOWCTL_BIN, httpGet, killAll, runBuiltinExpectingExit, startBuiltin, waitFor } from "../__tests__/component-process";

interface Ev {
  id: string;
  type: string;
  payload: Buffer;
  timestamp?: { seconds: number; nanos: number } | null;
}
type Duplex = grpc.ClientDuplexStream<unknown, Record<string, unknown>>;

const mkEvent = (i: number): Ev & { contentType: string } => ({
  id: `e${i}`,
  type: "test.v1",
  payload: Buffer.from(JSON.stringify({ i })),
  contentType: "application/json",
  timestamp: { seconds: Math.floor(Date.now() / 1000), nanos: 0 },
});

function metricValue(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(name + "{") || l.startsWith(name + " "));
  return line ? Number(line.split(" ").pop()) : NaN;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "flowctl-builtins-"));
});
afterEach(async () => {
  closeClients();
  await killAll();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("load-generator process", () => {
  it("streams EVENT_COUNT events on the batched wire within granted credits, then ends", async () => {
    const p = await startBuiltin("load-generator", { EVENT_COUNT: "1000", EVENTS_PER_SECOND: "0", BATCH_SIZE: "100", EVENT_SIZE_BYTES: "256" });
    const call = (dial("batchSource", p.port).StreamBatches as () => Duplex)();
    const { items, ended } = collect(call);
    call.write({ request: { params: {} }, credits: 2 });
    // With two credits and none returned, the source must stop after two batches and wait.
    let metrics = "";
    await waitFor(async () => {
      metrics = (await httpGet(p.metricsPort, "/metrics")).body;
      return items.length >= 2 && metricValue(metrics, "component_backpressured_seconds_total") > 0.05;
    }, "two batches and the source waiting for credits");
    expect(metricValue(metrics, "component_events_emitted_total")).toBe(200);
    expect(items).toHaveLength(2);
    call.on("data", () => call.write({ credits: 1 }));
    call.write({ credits: 2 });
    await ended;
    const events = items.flatMap((b) => b.events as Ev[]);
    expect(events).toHaveLength(1000);
    expect(items.map((b) => b.sequence)).toEqual(Array.from({ length: items.length }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.id)).size).toBe(1000);
    expect(events.every((e) => e.payload.length === 256 && e.timestamp)).toBe(true);
  });

  it("streams on the per-event wire (StreamEvents) to a foreign client", async () => {
    const p = await startBuiltin("load-generator", { EVENT_COUNT: "300", EVENTS_PER_SECOND: "0" });
    const call = (dial("source", p.port).StreamEvents as (r: unknown) => grpc.ClientReadableStream<unknown>)({ params: {} });
    const { items, ended } = collect(call);
    await ended;
    expect(items).toHaveLength(300);
    expect((items[0] as unknown as Ev).type).toBe("flowctl.load.v1");
  });

  it("serves /metrics with every component family, and /health, /ready, /live", async () => {
    const p = await startBuiltin("load-generator", { EVENT_COUNT: "10", EVENTS_PER_SECOND: "0" });
    const m = (await httpGet(p.metricsPort, "/metrics")).body;
    for (const name of [
      "component_events_processed_total",
      "component_processing_duration_seconds_bucket",
      "component_queue_depth",
      "component_errors_total",
      "component_events_received_total",
      "component_events_emitted_total",
      "component_bytes_received_total",
      "component_busy_seconds_total",
      "component_idle_seconds_total",
      "component_backpressured_seconds_total",
      "nodejs_eventloop_lag_seconds",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(m, name).toMatch(new RegExp(`^${name}\\{[^}]*component_id="load-generator-`, "m"));
    }
    expect(m).toContain('le="0.00005"');
    // Busy + idle + backpressured is the wall time since start (they drive bottleneck diagnosis).
    const split = ["busy", "idle", "backpressured"].reduce((sum, k) => sum + metricValue(m, `component_${k}_seconds_total`), 0);
    expect(Math.abs(split - metricValue(m, "component_uptime_seconds"))).toBeLessThan(0.05);

    const info = await new Promise<Record<string, unknown>>((resolve, reject) =>
      (dial("source", p.port).GetInfo as (r: unknown, cb: (e: Error | null, v: Record<string, unknown>) => void) => void)({}, (e, v) => (e ? reject(e) : resolve(v))),
    );
    expect(info).toMatchObject({ name: "load-generator", type: "COMPONENT_TYPE_SOURCE", endpoint: `127.0.0.1:${p.port}`, outputEventTypes: ["flowctl.load.v1"] });
    expect((info.metadata as Record<string, string>)["flowctl.wire"]).toBe("batch/v1");
    expect((info.metadata as Record<string, string>)["flowctl.metrics_port"]).toBe(String(p.metricsPort));
    const hc = await new Promise<Record<string, unknown>>((resolve, reject) =>
      (dial("source", p.port).HealthCheck as (r: unknown, cb: (e: Error | null, v: Record<string, unknown>) => void) => void)({ includeDetails: true }, (e, v) =>
        e ? reject(e) : resolve(v),
      ),
    );
    expect(hc).toMatchObject({ status: "HEALTH_STATUS_HEALTHY", metrics: { events_processed: expect.any(String) } });
    const health = await httpGet(p.healthPort, "/health");
    expect(JSON.parse(health.body)).toMatchObject({ status: "HEALTHY", uptime: expect.any(String), timestamp: expect.any(String) });
    expect((await httpGet(p.healthPort, "/ready")).status).toBe(200);
    expect((await httpGet(p.healthPort, "/live")).status).toBe(200);
  });
});

describe("processors", () => {
  it("passthrough answers Process (per-event bidi) in order", async () => {
    const p = await startBuiltin("passthrough", {});
    const call = (dial("processor", p.port).Process as () => Duplex)();
    const { items, ended } = collect(call);
    for (let i = 0; i < 50; i++) call.write(mkEvent(i));
    call.end();
    await ended;
    expect(items.map((e) => e.id)).toEqual(Array.from({ length: 50 }, (_, i) => `e${i}`));
  });

  it("passthrough answers ProcessBatches with one ProcessedBatch per batch, in order, with its sequence", async () => {
    const p = await startBuiltin("passthrough", { WORK_MICROS: "50" });
    const call = (dial("batchProcessor", p.port).ProcessBatches as () => Duplex)();
    const { items, ended } = collect(call);
    for (let s = 1; s <= 3; s++) call.write({ sequence: s, events: Array.from({ length: 10 }, (_, i) => mkEvent(s * 100 + i)) });
    call.end();
    await ended;
    expect(items.map((b) => b.sequence)).toEqual([1, 2, 3]);
    expect((items[2]!.events as Ev[]).map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, i) => `e${300 + i}`));
    const m = (await httpGet(p.metricsPort, "/metrics")).body;
    expect(metricValue(m, "component_events_received_total")).toBe(30);
    expect(metricValue(m, "component_bytes_received_total")).toBeGreaterThan(30 * 10);
  });

  it("passthrough drains on SIGTERM: every batch it read is answered before it exits 0", async () => {
    const p = await startBuiltin("passthrough", { DELAY_MS: "20" });
    const call = (dial("batchProcessor", p.port).ProcessBatches as () => Duplex)();
    const { items, ended } = collect(call);
    for (let s = 1; s <= 3; s++) call.write({ sequence: s, events: Array.from({ length: 5 }, (_, i) => mkEvent(s * 10 + i)) });
    // 15 events × 20 ms: the signal arrives while batches are still being processed.
    await waitFor(async () => metricValue((await httpGet(p.metricsPort, "/metrics")).body, "component_events_received_total") === 15, "15 events read");
    p.kill("SIGTERM");
    await ended;
    expect(await p.exited).toBe(0);
    expect(items.map((b) => [b.sequence, (b.events as Ev[]).length])).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
    ]);
  });

  it("transform filters and fans out over the batched wire", async () => {
    const p = await startBuiltin("transform", { EXPRESSION: "i % 2 = 0 ? [{'i': i}, {'i': i + 1000}] : undefined" });
    const call = (dial("batchProcessor", p.port).ProcessBatches as () => Duplex)();
    const { items, ended } = collect(call);
    call.write({ sequence: 7, events: [mkEvent(1), mkEvent(2), mkEvent(3), mkEvent(4)] });
    call.end();
    await ended;
    expect(items).toHaveLength(1);
    expect(items[0]!.sequence).toBe(7);
    expect((items[0]!.events as Ev[]).map((e) => JSON.parse(e.payload.toString()) as unknown)).toEqual([{ i: 2 }, { i: 1002 }, { i: 4 }, { i: 1004 }]);
  });
});

describe("sinks", () => {
  it("blackhole acknowledges each batch in order after its write (ConsumeBatches)", async () => {
    const p = await startBuiltin("blackhole", { BATCH_DELAY_MS: "5", BATCH_SIZE: "25" });
    const call = (dial("batchConsumer", p.port).ConsumeBatches as () => Duplex)();
    const { items, ended } = collect(call);
    for (let s = 1; s <= 4; s++) call.write({ sequence: s, events: Array.from({ length: 10 }, (_, i) => mkEvent(s * 10 + i)) });
    call.end();
    await ended;
    expect(items.map((a) => [a.sequence, a.consumed, a.failed])).toEqual([
      [1, 10, 0],
      [2, 10, 0],
      [3, 10, 0],
      [4, 10, 0],
    ]);
    const m = (await httpGet(p.metricsPort, "/metrics")).body;
    expect(metricValue(m, "component_events_processed_total")).toBe(40);
    expect(m).toMatch(/^component_end_to_end_latency_seconds_count\{component_id="blackhole-[^"]+"\} 40$/m);
  });

  it("blackhole answers Consume (per-event client stream) with the count written", async () => {
    const p = await startBuiltin("blackhole", {});
    const res = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const call = (dial("consumer", p.port).Consume as (cb: (e: Error | null, r: Record<string, unknown>) => void) => grpc.ClientWritableStream<unknown>)((err, r) =>
        err ? reject(err) : resolve(r),
      );
      for (let i = 0; i < 120; i++) call.write(mkEvent(i));
      call.end();
    });
    expect(res).toMatchObject({ eventsConsumed: 120, eventsFailed: 0 });
  });

  it("file sink writes JSON lines and stdout sink prints them", async () => {
    const file = path.join(tmp, "out.jsonl");
    const f = await startBuiltin("file", { FILE_PATH: file, BATCH_SIZE: "5" });
    const call = (dial("batchConsumer", f.port).ConsumeBatches as () => Duplex)();
    const { items, ended } = collect(call);
    call.write({ sequence: 1, events: [mkEvent(1), mkEvent(2), mkEvent(3)] });
    call.end();
    await ended;
    expect(items.map((a) => a.consumed)).toEqual([3]);
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { payload: unknown }).payload)).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);

    const s = await startBuiltin("stdout", {});
    const scall = (dial("batchConsumer", s.port).ConsumeBatches as () => Duplex)();
    const sc = collect(scall);
    scall.write({ sequence: 1, events: [mkEvent(9)] });
    scall.end();
    await sc.ended;
    expect(JSON.parse(s.stdout().trim())).toMatchObject({ id: "e9", payload: { i: 9 } });
  });

  it("drains on SIGTERM: every acknowledged event is in the file, and it exits 0", async () => {
    const file = path.join(tmp, "drain.jsonl");
    // Nothing flushes by size or time before the signal: only the drain can write these.
    const p = await startBuiltin("file", { FILE_PATH: file, BATCH_SIZE: "1000", BATCH_FLUSH_INTERVAL_MS: "600000" });
    const call = (dial("batchConsumer", p.port).ConsumeBatches as () => Duplex)();
    const { items, ended } = collect(call);
    for (let s = 1; s <= 3; s++) call.write({ sequence: s, events: Array.from({ length: 10 }, (_, i) => mkEvent(s * 10 + i)) });
    await waitFor(async () => metricValue((await httpGet(p.metricsPort, "/metrics")).body, "component_events_received_total") === 30, "30 events received");
    expect(items).toHaveLength(0);
    p.kill("SIGTERM");
    await ended;
    expect(await p.exited).toBe(0);
    expect(items.map((a) => [a.sequence, a.consumed])).toEqual([
      [1, 10],
      [2, 10],
      [3, 10],
    ]);
    const ids = (await readFile(file, "utf8")).trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toHaveLength(30);
    expect(p.stderr()).toMatch(/draining/);
  });
});

describe("flowctl component --help", () => {
  it("lists every built-in with each of its settings", () => {
    const help = execFileSync(process.execPath, [FLOWCTL_BIN, "component", "--help"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    for (const b of BUILTIN_COMPONENTS) {
      expect(help).toContain(`  ${b.name} (${b.role})`);
      for (const v of b.env) expect(help).toMatch(new RegExp(`\\n    ${v.name} +\\S`));
    }
    expect(help).toMatch(/EVENTS_PER_SECOND +Target rate; 0 = as fast as downstream accepts\. \(default 1000 events\/s\)/);
  });
});

describe("bad configuration", () => {
  it("exits 2 naming the variable (bad env), 1 when setup fails", async () => {
    const r = await runBuiltinExpectingExit("load-generator", { EVENTS_PER_SECOND: "lots" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Error: load-generator: invalid environment: EVENTS_PER_SECOND: must be a number/);
    const t = await runBuiltinExpectingExit("transform", {});
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/EXPRESSION: is required/);
    const port = await runBuiltinExpectingExit("blackhole", { PORT: "not-a-port" });
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/PORT: expected :port, host:port or a port number/);
    // A setup failure (database unreachable) exits 1 naming where it tried to connect.
    const pg = await runBuiltinExpectingExit("postgres", { POSTGRES_HOST: "127.0.0.1", POSTGRES_PORT: "1" });
    expect(pg.code).toBe(1);
    expect(pg.stderr).toMatch(/Error: postgres: setup failed: postgres: cannot create table flowctl_events via POSTGRES_HOST\/POSTGRES_PORT 127\.0\.0\.1:1/);
    const unknown = await runBuiltinExpectingExit("nope", {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown built-in component "nope"/);
  });
});
