import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defineSink } from "./define";
import { createEvent } from "./event";
import { testSink } from "./testing/index";
import type { DeadLetterLine } from "./dead-letter";

const ev = (n: number) => createEvent({ id: `e${n}`, type: "t", payload: { n }, metadata: { k: "v" } });

describe("sink write retries", () => {
  it("retries a failed write with growing backoff and acknowledges it once it succeeds", async () => {
    let calls = 0;
    const s = await testSink(
      defineSink({
        name: "outage",
        consume: () => {
          calls++;
          if (calls <= 2) throw new Error("connection refused");
        },
      }),
      { batch: { size: 2, flushIntervalMs: 10 }, retry: { maxAttempts: 4, backoffMs: 100, maxBackoffMs: 1_000 } },
    );
    await s.send([ev(1), ev(2)]);
    expect(calls).toBe(1);
    await s.advance(99);
    expect(calls).toBe(1); // still waiting out the first backoff (100 ms)
    await s.advance(1);
    expect(calls).toBe(2);
    await s.advance(199);
    expect(calls).toBe(2); // the second backoff doubled (200 ms)
    await s.advance(1);
    expect(calls).toBe(3);
    expect(s.acks).toEqual([{ consumed: 2, failed: 0, errors: [] }]);
    expect(s.metrics.writeRetries).toBe(2);
    expect(s.metrics.errors).toBe(0);
  });

  it("dead-letters the events of a batch whose last attempt fails, with the error, and acknowledges them as failed", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "flowctl-dlq-")), "sub", "out.dead-letter.jsonl");
    const s = await testSink(
      defineSink({
        name: "down",
        consume: () => {
          throw new Error("database is down");
        },
      }),
      { batch: { size: 2, flushIntervalMs: 10 }, retry: { maxAttempts: 3, backoffMs: 10, maxBackoffMs: 15 }, deadLetterFile: file },
    );
    await s.send([ev(1), ev(2)]);
    await s.advance(10);
    await s.advance(15);
    await s.drain();
    expect(s.metrics).toMatchObject({ writeRetries: 2, deadLettered: 2, errors: 2 });
    expect(s.acks).toHaveLength(1);
    expect(s.acks[0]).toMatchObject({ consumed: 0, failed: 2 });
    expect(s.acks[0]!.errors[0]).toMatch(/^dead-lettered to .*out\.dead-letter\.jsonl after 3 attempts: write of 2 events failed: database is down/);
    const lines = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as DeadLetterLine);
    expect(lines.map((l) => l.event.id)).toEqual(["e1", "e2"]);
    expect(lines[0]).toMatchObject({ component: "test-component", attempts: 3, error: "write of 2 events failed: database is down", event: { type: "t", metadata: { k: "v" } } });
    expect(JSON.parse(Buffer.from(lines[1]!.event.payload, "base64").toString())).toEqual({ n: 2 });
  });

  it("without a retry policy writes once, then dead-letters", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "flowctl-dlq-")), "x.jsonl");
    let calls = 0;
    const failing = defineSink({
      name: "once",
      consume: () => {
        calls++;
        throw new Error("nope");
      },
    });
    const s = await testSink(failing, { batch: { size: 1, flushIntervalMs: 10 }, deadLetterFile: file });
    await s.send([ev(1)]);
    await s.advance(10);
    await s.drain();
    expect(calls).toBe(1);
    expect(s.metrics).toMatchObject({ writeRetries: 0, deadLettered: 1, errors: 1 });
    expect(fs.readFileSync(file, "utf8").trim().split("\n")).toHaveLength(1);
  });
});
