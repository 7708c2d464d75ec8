import { describe, expect, it } from "vitest";
import { frameOf, sseFrame, sseResponse } from "./sse";

describe("sse", () => {
  it("frames a message as one named event with JSON data", () => {
    expect(sseFrame("stats", { a: 1 })).toBe('event: stats\ndata: {"a":1}\n\n');
    expect(frameOf({ kind: "gap", skipped: 3 })).toBe('event: gap\ndata: {"type":"gap","skipped":3}\n\n');
  });

  it("streams frames as text/event-stream and tells the source when the client goes away", async () => {
    let aborted = false;
    async function* frames() {
      yield "event: a\ndata: 1\n\n";
      yield "event: b\ndata: 2\n\n";
    }
    const res = sseResponse(frames(), () => (aborted = true));
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(await res.text()).toBe("retry: 2000\n\nevent: a\ndata: 1\n\nevent: b\ndata: 2\n\n");

    async function* endless() {
      for (;;) yield "event: x\ndata: 0\n\n";
    }
    const live = sseResponse(endless(), () => (aborted = true));
    const reader = live.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(aborted).toBe(true);
  });
});
