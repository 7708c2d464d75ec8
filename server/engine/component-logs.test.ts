import { describe, expect, it } from "vitest";
import { ComponentLogs } from "./component-logs";

describe("ComponentLogs", () => {
  it("keeps the last lines per instance within the line bound, tagged with their stream", () => {
    const logs = new ComponentLogs({ maxLines: 3 });
    for (let i = 0; i < 5000; i++) logs.append("a", i % 2 ? "stderr" : "stdout", `line ${i}`);
    logs.append("b", "stdout", "other");
    expect(logs.tail("a").map((l) => l.line)).toEqual(["line 4997", "line 4998", "line 4999"]);
    expect(logs.tail("a", 2).map((l) => [l.stream, l.line])).toEqual([["stdout", "line 4998"], ["stderr", "line 4999"]]);
    expect(logs.tail("a", 0)).toEqual([]);
    expect(logs.tail("b")).toHaveLength(1);
    expect(logs.tail("unknown")).toEqual([]);
  });

  it("drops the oldest lines when the byte bound is reached, but always keeps the newest line", () => {
    const logs = new ComponentLogs({ maxLines: 100, maxBytes: 10 });
    logs.append("a", "stdout", "12345");
    logs.append("a", "stdout", "67890");
    logs.append("a", "stdout", "abc");
    expect(logs.tail("a").map((l) => l.line)).toEqual(["67890", "abc"]);
    logs.append("a", "stdout", "x".repeat(50));
    expect(logs.tail("a").map((l) => l.line.length)).toEqual([50]);
  });

  it("delivers live lines to listeners and survives a listener that throws", () => {
    const logs = new ComponentLogs();
    const seen: string[] = [];
    logs.subscribe(() => {
      throw new Error("closed");
    });
    const off = logs.subscribe((l) => seen.push(`${l.instanceId}:${l.stream}:${l.line}`));
    logs.append("a", "stderr", "hello");
    off();
    logs.append("a", "stderr", "after");
    expect(seen).toEqual(["a:stderr:hello"]);
    expect(logs.tail("a")).toHaveLength(2);
  });
});
