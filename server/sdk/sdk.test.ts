import { describe, expect, it } from "vitest";
import { eventCodec, msToTimestamp, timestampToMs } from "../wire/event-codec";
import { compileRuntimeConfig } from "./config";
import { defineProcessor, defineSink, defineSource } from "./define";
import { createEvent, payloadJson, payloadText } from "./event";
import { TimeAccount } from "./metrics";
import { burnCpu } from "./builtins/passthrough";
import { FakeClock, testProcessor, testSink, testSource } from "./testing/index";

describe("compileRuntimeConfig", () => {
  it("applies the env contract's defaults", () => {
    const c = compileRuntimeConfig({}, "x");
    expect(c.listen).toEqual({ host: "0.0.0.0", port: 50051 });
    expect(c.controlPlaneEndpoint).toBeUndefined();
    expect(c.heartbeatIntervalMs).toBe(10_000);
    expect(c.maxQueueSize).toBe(1000);
    expect(c.metricsPort).toBe(9090);
    expect(c.healthPort).toBe(8088);
    expect(c.componentId).toMatch(/^x-[0-9a-f]+$/);
  });

  it("reads what the engine sets", () => {
    const c = compileRuntimeConfig(
      {
        FLOWCTL_ENDPOINT: "127.0.0.1:8080",
        ENABLE_FLOWCTL: "true",
        FLOWCTL_COMPONENT_ID: "proc-2",
        FLOWCTL_HEARTBEAT_INTERVAL: "10s",
        FLOWCTL_HEARTBEAT_INTERVAL_MS: "2500",
        PORT: ":7001",
        HEALTH_PORT: "7002",
        METRICS_PORT: "7003",
        MAX_QUEUE_SIZE: "50",
        BATCH_SIZE: "10",
        BATCH_FLUSH_INTERVAL_MS: "5",
        PARTITION_ID: "1",
        PARTITION_COUNT: "3",
      },
      "x",
    );
    expect(c).toMatchObject({
      controlPlaneEndpoint: "127.0.0.1:8080",
      componentId: "proc-2",
      heartbeatIntervalMs: 2500,
      listen: { host: "0.0.0.0", port: 7001 },
      healthPort: 7002,
      metricsPort: 7003,
      maxQueueSize: 50,
      batchSize: 10,
      batchFlushIntervalMs: 5,
      partition: { id: 1, count: 3 },
    });
    expect(compileRuntimeConfig({ FLOWCTL_HEARTBEAT_INTERVAL: "10s" }, "x").heartbeatIntervalMs).toBe(10_000);
    expect(compileRuntimeConfig({ PORT: "localhost:9000" }, "x").listen).toEqual({ host: "localhost", port: 9000 });
    expect(compileRuntimeConfig({ PORT: "9000" }, "x").listen.port).toBe(9000);
    expect(compileRuntimeConfig({ FLOWCTL_ENDPOINT: "h:1", ENABLE_FLOWCTL: "false" }, "x").controlPlaneEndpoint).toBeUndefined();
    expect(compileRuntimeConfig({ ENABLE_METRICS: "false" }, "x").metricsPort).toBeUndefined();
  });

  it("offers the batched wire unless FLOWCTL_WIRE=event", () => {
    expect(compileRuntimeConfig({}, "x").offerBatchWire).toBe(true);
    expect(compileRuntimeConfig({ FLOWCTL_WIRE: "event" }, "x").offerBatchWire).toBe(false);
    expect(() => compileRuntimeConfig({ FLOWCTL_WIRE: "grpc" }, "x")).toThrow(/FLOWCTL_WIRE: must be batch or event/);
  });

  it("names the variable on bad input", () => {
    expect(() => compileRuntimeConfig({ PORT: "abc" }, "x")).toThrow(/PORT: expected :port/);
    expect(() => compileRuntimeConfig({ METRICS_PORT: "70000" }, "x")).toThrow(/METRICS_PORT: must be ≤ 65535/);
    expect(() => compileRuntimeConfig({ MAX_QUEUE_SIZE: "0" }, "x")).toThrow(/MAX_QUEUE_SIZE: must be ≥ 1/);
    expect(() => compileRuntimeConfig({ FLOWCTL_HEARTBEAT_INTERVAL: "often" }, "x")).toThrow(/FLOWCTL_HEARTBEAT_INTERVAL: invalid duration/);
    expect(() => compileRuntimeConfig({ PARTITION_ID: "1" }, "x")).toThrow(/PARTITION_ID and PARTITION_COUNT/);
    expect(() => compileRuntimeConfig({ PARTITION_ID: "3", PARTITION_COUNT: "3" }, "x")).toThrow(/PARTITION_ID: must be < PARTITION_COUNT/);
    expect(() => compileRuntimeConfig({ ENABLE_METRICS: "perhaps" }, "x")).toThrow(/ENABLE_METRICS: must be true or false/);
  });
});

describe("event codec", () => {
  it("round-trips batches with sequence, payload bytes, metadata and sub-millisecond time", () => {
    const ms = 1_790_000_000_123.456;
    const buf = eventCodec.eventBatch.encode({ sequence: 42, events: [{ id: "a", type: "t", payload: Buffer.from([0, 255]), metadata: { k: "v" }, timestamp: msToTimestamp(ms) }] });
    const back = eventCodec.eventBatch.decode(buf);
    expect(back.sequence).toBe(42);
    expect(back.events[0]).toMatchObject({ id: "a", type: "t", metadata: { k: "v" } });
    expect([...back.events[0]!.payload]).toEqual([0, 255]);
    expect(timestampToMs(back.events[0]!.timestamp)).toBeCloseTo(ms, 3);
    const ack = eventCodec.batchAck.decode(eventCodec.batchAck.encode({ sequence: 9, consumed: 3, failed: 1, errors: ["x"] }));
    expect(ack).toMatchObject({ sequence: 9, consumed: 3, failed: 1, errors: ["x"] });
  });
});

describe("events", () => {
  it("createEvent encodes objects as JSON, strings as text, bytes as is", () => {
    const j = createEvent({ type: "t", payload: { a: 1 } });
    expect(j.contentType).toBe("application/json");
    expect(payloadJson(j)).toEqual({ a: 1 });
    expect(j.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(payloadText(createEvent({ type: "t", payload: "hi" }))).toBe("hi");
    expect(createEvent({ type: "t", payload: Buffer.from([1]) }).contentType).toBe("application/octet-stream");
    expect(() => payloadJson(createEvent({ id: "z", type: "t", payload: "{" }))).toThrow(/event z: payload is not JSON/);
  });
});

describe("define*", () => {
  it("validates definitions naming the field", () => {
    expect(() => defineProcessor({ name: "p" })).toThrow(/processor.process/);
    expect(() => defineSink({ name: "s", consume: () => undefined, batch: { size: 0 } })).toThrow(/sink.batch.size/);
    expect(() => defineSource({ name: "bad name!", produce: async () => null })).toThrow(/source.name/);
    expect(typeof defineSink({ name: "s", consume: () => undefined }).run).toBe("function");
  });
});

describe("TimeAccount", () => {
  it("splits wall time into busy, backpressured and idle that add up", () => {
    let t = 0;
    const acc = new TimeAccount(() => t);
    t = 10; // idle 10
    acc.beginBusy();
    t = 25; // busy 15
    acc.beginBackpressure();
    t = 30; // still busy 5 (busy wins)
    acc.endBusy();
    t = 50; // backpressured 20
    acc.endBackpressure();
    acc.beginBusy();
    acc.suspend();
    t = 60; // sleeping inside busy work: idle 10
    acc.resume();
    acc.endBusy();
    acc.settle();
    expect(acc.totalsMs).toEqual({ idle: 20, busy: 20, backpressured: 20 });
  });
});

describe("harness", () => {
  it("runs a processor with processBatch and counts a failed batch", async () => {
    const p = await testProcessor(
      defineProcessor({
        name: "dup",
        processBatch: (events) => {
          if (events.some((e) => e.type === "boom")) throw new Error("boom");
          return events.flatMap((e) => [e, e]);
        },
      }),
    );
    expect(await p.process([createEvent({ type: "a", payload: 1 })])).toHaveLength(2);
    const r = await p.processDetailed([createEvent({ type: "boom", payload: 1 }), createEvent({ type: "a", payload: 1 })]);
    expect(r).toMatchObject({ events: [], failed: 2, errors: ["processBatch failed: boom"] });
    expect(p.metrics.errors).toBe(2);
  });

  it("yields to the event loop during a CPU-bound batch so /metrics and health keep answering", async () => {
    let timerRanAt = -1;
    let seen = 0;
    const p = await testProcessor(
      defineProcessor({
        name: "cpu",
        process: (e) => {
          if (seen === 0) setImmediate(() => (timerRanAt = seen));
          seen++;
          burnCpu(3_000);
          return e;
        },
      }),
    );
    const events = Array.from({ length: 20 }, () => createEvent({ type: "a", payload: 1 }));
    expect(await p.process(events)).toHaveLength(20);
    // 20 × 3 ms would hold the loop for 60 ms; the callback must run well before the batch ends.
    expect(timerRanAt).toBeGreaterThan(0);
    expect(timerRanAt).toBeLessThan(20);
  });

  it("acknowledges a failed sink write as failed, and splits sends across flushes", async () => {
    let calls = 0;
    const s = await testSink(
      defineSink({
        name: "flaky",
        consume: () => {
          calls++;
          if (calls === 2) throw new Error("disk full");
        },
      }),
      { batch: { size: 3, flushIntervalMs: 100 } },
    );
    await s.send([createEvent({ type: "a", payload: 1 }), createEvent({ type: "a", payload: 2 })]);
    await s.send([createEvent({ type: "a", payload: 3 }), createEvent({ type: "a", payload: 4 })]);
    await s.advance(100);
    // Flush 1 = events 1-3 (ok), flush 2 = event 4 (failed): the second send straddles both.
    expect(s.acks).toEqual([
      { consumed: 2, failed: 0, errors: [] },
      { consumed: 1, failed: 1, errors: ["write of 1 events failed: disk full"] },
    ]);
    expect(s.metrics.errors).toBe(1);
  });

  it("blocks senders while maxBuffered events are pending (bounded buffer)", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = await testSink(defineSink({ name: "slow", consume: () => gate }), { batch: { size: 2, flushIntervalMs: 10 }, maxBuffered: 4 });
    await s.send([createEvent({ type: "a", payload: 1 }), createEvent({ type: "a", payload: 2 })]);
    await s.send([createEvent({ type: "a", payload: 3 }), createEvent({ type: "a", payload: 4 })]);
    let accepted = false;
    const third = s.send([createEvent({ type: "a", payload: 5 })]).then(() => (accepted = true));
    await s.advance(50);
    expect(accepted).toBe(false);
    expect(s.pending).toBe(4);
    release();
    await third;
    expect(accepted).toBe(true);
    await s.drain();
    expect(s.acks).toHaveLength(3);
  });

  it("drives a source built as a batch-returning function, with a fake clock for ctx.now()", async () => {
    const clock = new FakeClock(1000);
    let n = 0;
    const src = await testSource(defineSource({ name: "poll", produce: async (ctx) => (n < 3 ? [createEvent({ type: "p", payload: { n: n++, at: ctx.now() } })] : null) }), {
      clock,
    });
    const events = await src.collect();
    expect(events.map((e) => payloadJson(e))).toEqual([
      { n: 0, at: 1000 },
      { n: 1, at: 1000 },
      { n: 2, at: 1000 },
    ]);
    expect(events[0]!.sourceComponentId).toBe("test-component");
  });
});

describe("sink flush interval 0", () => {
  it("writes what arrived in the same event-loop turn as one batch, without waiting for the clock", async () => {
    const s = await testSink(defineSink({ name: "s", consume: () => undefined }), { batch: { size: 100, flushIntervalMs: 0 } });
    // Two sends in the same turn, the fake clock never advanced: one write carrying both.
    await Promise.all([s.send([createEvent({ type: "a", payload: 1 })]), s.send([createEvent({ type: "a", payload: 2 }), createEvent({ type: "a", payload: 3 })])]);
    // send() resolves after one setImmediate turn: the write already happened, no drain needed.
    expect(s.written.map((b) => b.length)).toEqual([3]);
    expect(s.acks).toEqual([
      { consumed: 1, failed: 0, errors: [] },
      { consumed: 2, failed: 0, errors: [] },
    ]);
    // A later send is written on its own turn (no timer left behind by the first flush).
    await s.send([createEvent({ type: "a", payload: 4 })]);
    expect(s.written.map((b) => b.length)).toEqual([3, 1]);
  });
});

describe("sink acknowledgements", () => {
  it("acknowledges an empty batch in its turn, after earlier pending batches", async () => {
    const s = await testSink(defineSink({ name: "s", consume: () => undefined }), { batch: { size: 10, flushIntervalMs: 5 } });
    await s.send([createEvent({ type: "a", payload: 1 })]);
    await s.send([]);
    expect(s.acks).toEqual([]);
    await s.advance(5);
    expect(s.acks).toEqual([
      { consumed: 1, failed: 0, errors: [] },
      { consumed: 0, failed: 0, errors: [] },
    ]);
  });
});

describe("FLOWCTL_ADVERTISE_ADDRESS", () => {
  it("is the address the engine dials when it runs elsewhere; a bad one names the variable", () => {
    expect(compileRuntimeConfig({ FLOWCTL_ADVERTISE_ADDRESS: "work" }, "x").advertiseAddress).toBe("work");
    expect(compileRuntimeConfig({ FLOWCTL_ADVERTISE_ADDRESS: "10.0.0.7:50051" }, "x").advertiseAddress).toBe("10.0.0.7:50051");
    expect(compileRuntimeConfig({}, "x").advertiseAddress).toBeUndefined();
    expect(() => compileRuntimeConfig({ FLOWCTL_ADVERTISE_ADDRESS: "http://work:1" }, "x")).toThrow(/FLOWCTL_ADVERTISE_ADDRESS: expected host or host:port/);
  });
});
