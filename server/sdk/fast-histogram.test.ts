import fc from "fast-check";
import client from "prom-client";
import { describe, expect, it } from "vitest";
import { FastHistogram } from "./fast-histogram";
import { DURATION_BUCKETS } from "./metrics";

/** The same observations through prom-client's Histogram and FastHistogram, each in its own registry. */
async function expositions(values: number[], buckets: number[]): Promise<[string, string]> {
  const a = new client.Registry();
  const b = new client.Registry();
  for (const r of [a, b]) r.setDefaultLabels({ component_id: "work" });
  const reference = new client.Histogram({ name: "h_seconds", help: "Help text.", buckets, registers: [a] });
  const fast = new FastHistogram("h_seconds", "Help text.", buckets, [b]);
  for (const v of values) {
    reference.observe(v);
    fast.observe(v);
  }
  return [await a.metrics(), await b.metrics()];
}

describe("FastHistogram", () => {
  it("exposes exactly what prom-client's Histogram exposes for the same observations, bounds included", async () => {
    const [reference, fast] = await expositions([0, 0.00005, 0.00007, 0.001, 0.3, 10, 11, 1e6], DURATION_BUCKETS);
    expect(fast).toBe(reference);
    expect(fast).toContain('h_seconds_bucket{le="0.00005",component_id="work"} 2');
    expect(fast).toContain('h_seconds_bucket{le="+Inf",component_id="work"} 8');
  });

  it("agrees with prom-client for any observations (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { maxLength: 50 }), async (values) => {
        const [reference, fast] = await expositions(values, [0.001, 0.01, 0.1, 1, 10]);
        expect(fast).toBe(reference);
      }),
    );
  });

  it("refuses a value that is not a finite number, like prom-client", () => {
    const h = new FastHistogram("h", "h", [1], []);
    expect(() => h.observe(Number.NaN)).toThrow(/not a finite number/);
    expect(() => h.observe(Infinity)).toThrow(TypeError);
  });

  it("reset() starts the counts over", async () => {
    const r = new client.Registry();
    const h = new FastHistogram("h", "h", [1], [r]);
    h.observe(0.5);
    h.reset();
    expect(await r.metrics()).toContain("h_count 0");
  });
});
