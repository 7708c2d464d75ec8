import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyseTraces, quantiles } from "./hop-analysis";

const dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-hops-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hop analysis", () => {
  it("splits each sampled event's trip into hops, keeps the window's events and pauses, and blames the slowest", () => {
    // Event 10: 1 ms + 2 ms; event 20: 1 ms + 30 ms during a 5 ms GC pause of the sink; event 30 starts after the window.
    writeFileSync(path.join(dir, "gen-1.trace"), "10 send gen 1000\n20 send gen 2000\n30 send gen 99000\n");
    writeFileSync(path.join(dir, "out-2.trace"), "10 in out 2000\n10 done out 4000\n20 in out 3000\n20 done out 33000\ngc 10000 5000 major\ngc 12000 300 minor\ngc 200000 9000 major\n");
    const b = analyseTraces(dir, ["send:gen", "in:out", "done:out"], [0, 50_000]);
    expect(b.complete).toBe(2);
    expect(b.segments.map((s) => [s.name, s.q.max])).toEqual([
      ["send:gen → in:out", 1],
      ["in:out → done:out", 30],
    ]);
    expect(b.total.max).toBe(31);
    expect(b.gc.find((g) => g.process === "out")).toMatchObject({ count: 2, totalMs: 5.3, over1ms: 1, majors: 1 });
    expect(b.slowWithGcShare).toBe(1);
    expect(b.slowSegmentShare[1]!.share).toBeCloseTo(30 / 31);
  });

  it("quantiles by rank", () => {
    expect(quantiles([5, 1, 3, 2, 4])).toEqual({ count: 5, p50: 3, p90: 5, p99: 5, max: 5 });
    expect(quantiles([]).count).toBe(0);
  });
});
