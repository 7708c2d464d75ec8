import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { eventCodec } from "./event-codec";
import { createHopTracer, traceSequenceOf, traceSequenceOfEncoded } from "./hop-trace";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("hop tracing", () => {
  it("is off unless FLOWCTL_TRACE_HOPS is set", () => {
    expect(createHopTracer("x", {})).toBeUndefined();
  });

  it("reads the sequence number at the end of an id, decoded or serialized", () => {
    expect(traceSequenceOf("gen-1230")).toBe(1230);
    expect(traceSequenceOf("no-number")).toBe(-1);
    const bytes = eventCodec.event.encode({ id: "work-0-98765", type: "t", payload: Buffer.alloc(3) });
    expect(traceSequenceOfEncoded(bytes)).toBe(98765);
    expect(traceSequenceOfEncoded(eventCodec.event.encode({ id: "abc", type: "t", payload: Buffer.alloc(0) }))).toBe(-1);
  });

  it("writes one line per sampled event and hop, on the monotonic clock, to <dir>/<label>-<pid>.trace", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-trace-test-"));
    dirs.push(dir);
    const t = createHopTracer("proc/1", { FLOWCTL_TRACE_HOPS: dir, FLOWCTL_TRACE_SAMPLE: "10" })!;
    const before = Number(process.hrtime.bigint() / 1000n);
    t.events("proc.in", "work", [{ id: "gen-10" }, { id: "gen-11" }, { id: "gen-20" }]);
    t.encoded("router.out", "out", [eventCodec.event.encode({ id: "gen-30", type: "t", payload: Buffer.alloc(1) })]);
    const file = path.join(dir, `proc_1-${process.pid}.trace`);
    await vi.waitFor(() => expect(existsSync(file)).toBe(true), { timeout: 5_000 });
    const lines = readFileSync(file, "utf8").trim().split("\n").filter((l) => !l.startsWith("gc "));
    expect(lines.map((l) => l.split(" ").slice(0, 3).join(" "))).toEqual(["10 proc.in work", "20 proc.in work", "30 router.out out"]);
    expect(Number(lines[0]!.split(" ")[3])).toBeGreaterThanOrEqual(before);
    expect(readdirSync(dir)).toHaveLength(1);
  });
});
