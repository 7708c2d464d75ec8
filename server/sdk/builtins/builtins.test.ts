import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BUILTIN_COMPONENTS } from "../../core/spec/builtins";
import { ComponentConfigError } from "../config";
import { createEvent, eventTimeMs, payloadJson } from "../event";
import { FakeClock, testProcessor, testSink, testSource } from "../testing/index";
import { createBlackhole } from "./blackhole";
import { createFileSink } from "./file";
import { BUILTIN_FACTORIES } from "./index";
import { BUILTIN_LOADERS, loadBuiltinFactory } from "./load";
import { createLoadGenerator, payloadTemplate } from "./load-generator";
import { burnCpu, createPassthrough } from "./passthrough";
import { buildInsert, createPostgresSink, createTableSql } from "./postgres";
import { createStdoutSink } from "./stdout";
import { createTransform } from "./transform";

const ev = (i: number, payload: unknown = { i }) => createEvent({ id: `e${i}`, type: "test", payload });

describe("built-in catalogue", () => {
  it("has a factory for every catalogued built-in with the same role, and no extra", () => {
    expect(Object.keys(BUILTIN_FACTORIES).sort()).toEqual(BUILTIN_COMPONENTS.map((b) => b.name).sort());
    for (const b of BUILTIN_COMPONENTS) {
      const env: Record<string, string> = { EXPRESSION: "$", FILE_PATH: "/tmp/x.jsonl" };
      expect(BUILTIN_FACTORIES[b.name]!(env).role).toBe(b.role);
    }
  });

  it("loads the same factory on demand for every built-in (flowctl component imports only the one it runs)", async () => {
    expect(Object.keys(BUILTIN_LOADERS).sort()).toEqual(Object.keys(BUILTIN_FACTORIES).sort());
    for (const name of Object.keys(BUILTIN_FACTORIES)) expect(await loadBuiltinFactory(name)).toBe(BUILTIN_FACTORIES[name]);
    expect(await loadBuiltinFactory("flowctl/passthrough")).toBe(BUILTIN_FACTORIES.passthrough);
    expect(await loadBuiltinFactory("no-such-thing")).toBeUndefined();
  });
});

describe("load-generator", () => {
  it("emits EVENT_COUNT events with unique ids, send times and sized JSON payloads, then ends", async () => {
    const src = await testSource(createLoadGenerator({ EVENT_COUNT: "250", EVENTS_PER_SECOND: "0", EVENT_SIZE_BYTES: "512" }), { componentId: "gen-1" });
    const events = await src.collect();
    expect(events).toHaveLength(250);
    expect(new Set(events.map((e) => e.id)).size).toBe(250);
    expect(events[0]!.id).toBe("gen-1-1");
    for (const e of events) {
      expect(e.payload.byteLength).toBe(512);
      expect(e.type).toBe("flowctl.load.v1");
      expect(Math.abs(eventTimeMs(e)! - Date.now())).toBeLessThan(60_000);
    }
    expect(payloadJson<{ seq: number }>(events[249]!).seq).toBe(250);
    await src.close();
  });

  it("paces by EVENTS_PER_SECOND against the clock and stops after DURATION_SECONDS", async () => {
    const clock = new FakeClock();
    const src = await testSource(createLoadGenerator({ EVENTS_PER_SECOND: "1000", DURATION_SECONDS: "1" }), { clock });
    const reading = src.collect();
    // 1000 ev/s for 1 s of fake time: the generator sleeps between due events.
    for (let i = 0; i < 1100; i++) await clock.advance(1);
    const events = await reading;
    expect(events.length).toBeGreaterThanOrEqual(999);
    expect(events.length).toBeLessThanOrEqual(1001);
    expect(src.metrics.time.totalsMs.idle).toBeGreaterThan(0);
    await src.close();
  });

  it("stops when ctx.signal aborts", async () => {
    const src = await testSource(createLoadGenerator({ EVENTS_PER_SECOND: "0" }));
    expect((await src.take(300)).length).toBeGreaterThanOrEqual(300);
    await src.close();
    expect(src.ctx.signal.aborted).toBe(true);
  });

  it("rejects bad env naming the variable", () => {
    expect(() => createLoadGenerator({ EVENTS_PER_SECOND: "fast" })).toThrow(/EVENTS_PER_SECOND: must be a number/);
    expect(() => createLoadGenerator({ EVENT_COUNT: "-1" })).toThrow(ComponentConfigError);
    expect(() => createLoadGenerator({ EVENT_SIZE_BYTES: "1.5" })).toThrow(/EVENT_SIZE_BYTES/);
  });

  it("pads the payload template to the requested size", () => {
    expect(payloadTemplate(1024).length).toBe(1024);
    const filled = payloadTemplate(100);
    filled.write("42", 7, "latin1");
    expect(JSON.parse(filled.toString("latin1"))).toEqual({ seq: 42, pad: expect.stringMatching(/^x+$/) });
  });
});

describe("passthrough", () => {
  it("forwards events unchanged and in order", async () => {
    const p = await testProcessor(createPassthrough({}));
    const input = [ev(1), ev(2), ev(3)];
    expect(await p.process(input)).toEqual(input);
    expect(p.metrics.eventsProcessed).toBe(3);
    expect(p.metrics.eventsEmitted).toBe(3);
  });

  it("spends WORK_MICROS of CPU and DELAY_MS of waiting per event, one at a time", async () => {
    const p = await testProcessor(createPassthrough({ WORK_MICROS: "200", DELAY_MS: "2" }));
    const t0 = performance.now();
    const out = await p.process([ev(1), ev(2), ev(3), ev(4), ev(5)]);
    expect(out.map((e) => e.id)).toEqual(["e1", "e2", "e3", "e4", "e5"]);
    // Sequential: five waits of 2 ms cannot overlap (overlapping, they would take ~2 ms). Node's
    // timers run on a millisecond loop clock, so each may end up to 1 ms early by performance.now().
    expect(performance.now() - t0).toBeGreaterThanOrEqual(5 * (2 - 1) + 1);
    expect(p.metrics.time.totalsMs.busy).toBeGreaterThanOrEqual(5 * (2 - 1) + 1);
    expect(burnCpu(100)).toBeGreaterThan(0);
  });

  it("rejects negative WORK_MICROS", () => {
    expect(() => createPassthrough({ WORK_MICROS: "-5" })).toThrow(/WORK_MICROS: must be ≥ 0/);
  });
});

describe("transform", () => {
  it("maps payloads with JSONata, filters undefined and fans out arrays", async () => {
    const p = await testProcessor(createTransform({ EXPRESSION: 'i > 1 ? [{"i": i, "half": i / 2}, {"i": i}] : i = 1 ? {"one": true} : undefined' }));
    const input = [ev(0), ev(1), ev(4)];
    const out = await p.process(input);
    expect(out.map((e) => payloadJson(e))).toEqual([{ one: true }, { i: 4, half: 2 }, { i: 4 }]);
    expect(out.map((e) => e.id)).toEqual(["e1", "e4-0", "e4-1"]);
    // Outputs keep the input's time so sinks still measure end-to-end latency.
    expect(out[0]!.timestamp).toEqual(input[1]!.timestamp);
  });

  it("sets OUTPUT_TYPE and counts non-JSON payloads as errors", async () => {
    const p = await testProcessor(createTransform({ EXPRESSION: "$", OUTPUT_TYPE: "out.v1" }));
    const r = await p.processDetailed([createEvent({ id: "bad", type: "t", payload: "not json" }), ev(2)]);
    expect(r.failed).toBe(1);
    expect(r.errors[0]).toMatch(/event bad: .*not JSON/);
    expect(r.events.map((e) => e.type)).toEqual(["out.v1"]);
    expect(p.metrics.errors).toBe(1);
  });

  it("binds the input envelope as $event", async () => {
    const p = await testProcessor(createTransform({ EXPRESSION: '{"from": $event.id, "kind": $event.type, "region": $event.metadata.region, "i": i}' }));
    const input = createEvent({ id: "x1", type: "order.v1", payload: { i: 7 }, metadata: { region: "eu" } });
    expect((await p.process(input)).map((e) => payloadJson(e))).toEqual([{ from: "x1", kind: "order.v1", region: "eu", i: 7 }]);
  });

  it("rejects a missing or invalid EXPRESSION naming the variable", () => {
    expect(() => createTransform({})).toThrow(/EXPRESSION: is required/);
    expect(() => createTransform({ EXPRESSION: "$$$(" })).toThrow(/EXPRESSION: /);
  });
});

describe("blackhole", () => {
  it("flushes on size or after the flush interval and acknowledges after the write", async () => {
    const s = await testSink(createBlackhole({}), { batch: { size: 3, flushIntervalMs: 50 } });
    await s.send([ev(1), ev(2)]);
    expect(s.written).toHaveLength(0);
    await s.send([ev(3), ev(4)]);
    expect(s.written.map((b) => b.length)).toEqual([3]);
    expect(s.acks).toEqual([{ consumed: 2, failed: 0, errors: [] }]);
    await s.advance(49);
    expect(s.written).toHaveLength(1);
    await s.advance(1);
    expect(s.written.map((b) => b.length)).toEqual([3, 1]);
    expect(s.acks).toHaveLength(2);
    expect(s.metrics.eventsProcessed).toBe(4);
  });

  it("BATCH_DELAY_MS holds the acknowledgement until the slow write finished", async () => {
    // Fake only the timers blackhole waits on, so the assertion does not race a loaded machine.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const s = await testSink(createBlackhole({ BATCH_DELAY_MS: "20" }), { batch: { size: 2, flushIntervalMs: 1000 } });
      await s.send([ev(1), ev(2)]);
      await vi.advanceTimersByTimeAsync(19);
      expect(s.acks).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      await s.drain();
      expect(s.acks).toEqual([{ consumed: 2, failed: 0, errors: [] }]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("file sink", () => {
  let dir: string;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("appends JSON lines per flush", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "flowctl-file-"));
    const file = path.join(dir, "sub", "out.jsonl");
    const s = await testSink(createFileSink({ FILE_PATH: file }), { batch: { size: 2, flushIntervalMs: 10 } });
    await s.send([ev(1), ev(2), createEvent({ id: "t", type: "text", payload: "hello" }), createEvent({ id: "b", type: "bin", payload: Buffer.from([1, 2]) })]);
    await s.drain();
    await s.close();
    const lines = (await readFile(file, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.id)).toEqual(["e1", "e2", "t", "b"]);
    expect(lines[0]!.payload).toEqual({ i: 1 });
    expect(lines[2]!.payload).toBe("hello");
    expect(lines[3]!.payload_base64).toBe("AQI=");
  });

  it("requires FILE_PATH", () => {
    expect(() => createFileSink({})).toThrow(/FILE_PATH: is required/);
  });
});

describe("stdout sink", () => {
  it("prints one JSON line per event, or pretty JSON with PRETTY=true", async () => {
    let text = "";
    const out = new Writable({
      write(chunk: Buffer, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    });
    const s = await testSink(createStdoutSink({}, out));
    await s.send([ev(1), ev(2)]);
    await s.drain();
    expect(text.trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(["e1", "e2"]);
    text = "";
    const pretty = await testSink(createStdoutSink({ PRETTY: "true" }, out));
    await pretty.send(ev(3));
    await pretty.drain();
    expect(text).toContain('\n  "id": "e3"');
    expect(() => createStdoutSink({ PRETTY: "maybe" })).toThrow(/PRETTY: must be true or false/);
  });
});

describe("postgres sink (pure parts)", () => {
  it("builds a multi-row INSERT with 7 parameters per event", () => {
    const q = buildInsert("public.events", [ev(1), ev(2)]);
    expect(q.text).toMatch(/^INSERT INTO "public"\."events" \(id,type,source_component_id,content_type,event_time,metadata,payload\) VALUES \(\$1,.*\$7\),\(\$8,.*\$14\)$/);
    expect(q.values).toHaveLength(14);
    expect(q.values[0]).toBe("e1");
    expect(createTableSql("events")).toContain('CREATE TABLE IF NOT EXISTS "events"');
  });

  it("validates TABLE, SSLMODE and the URL naming the variable", () => {
    expect(() => createPostgresSink({ TABLE: "events; drop table x" })).toThrow(/TABLE: must be a table name/);
    expect(() => createPostgresSink({ POSTGRES_SSLMODE: "sometimes" })).toThrow(/POSTGRES_SSLMODE/);
    expect(() => createPostgresSink({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => createPostgresSink({ POSTGRES_MAX_CONNS: "0" })).toThrow(/POSTGRES_MAX_CONNS/);
  });
});
