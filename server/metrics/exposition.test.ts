import { describe, expect, it } from "vitest";
import { parseExposition } from "./exposition";

describe("parseExposition", () => {
  it("expands histograms and summaries into the series names Prometheus stores", () => {
    const text = [
      "# TYPE h histogram",
      'h_bucket{c="x",le="0.1"} 1',
      'h_bucket{c="x",le="1.0"} 2',
      'h_bucket{c="x",le="+Inf"} 3',
      'h_sum{c="x"} 1.5',
      'h_count{c="x"} 3',
      "# TYPE s summary",
      's{quantile="0.5"} 0.2',
      "s_sum 4",
      "s_count 8",
      "# TYPE g gauge",
      "g NaN",
      "u +Inf",
      "prom_client_nan Nan",
      "",
    ].join("\n");
    const samples = parseExposition(text);
    expect(samples).toContainEqual({ name: "h_bucket", labels: { c: "x", le: "1" }, value: 2 });
    expect(samples).toContainEqual({ name: "h_bucket", labels: { c: "x", le: "+Inf" }, value: 3 });
    expect(samples).toContainEqual({ name: "h_count", labels: { c: "x" }, value: 3 });
    expect(samples).toContainEqual({ name: "s", labels: { quantile: "0.5" }, value: 0.2 });
    expect(samples.find((s) => s.name === "g")!.value).toBeNaN();
    expect(samples.find((s) => s.name === "u")!.value).toBe(Infinity);
    expect(samples.find((s) => s.name === "prom_client_nan")!.value).toBeNaN();
  });

  it("rejects text that is not the exposition format", () => {
    expect(() => parseExposition("this is {not prometheus\n")).toThrow(/invalid exposition/);
    expect(() => parseExposition('foo{a="1" 3\n')).toThrow();
    expect(() => parseExposition("}}}\n")).toThrow(/bad metric name/);
  });
});

describe("parseExposition on prom-client output", () => {
  it("keeps every label set of a labelled histogram (the library alone would merge them)", async () => {
    const { Histogram, Registry } = await import("prom-client");
    const r = new Registry();
    const h = new Histogram({ name: "d_seconds", help: "x", labelNames: ["component_id"], buckets: [0.1], registers: [r] });
    h.labels("a").observe(0.05);
    h.labels("b").observe(0.5);
    const samples = parseExposition(await r.metrics());
    expect(samples).toContainEqual({ name: "d_seconds_bucket", labels: { le: "0.1", component_id: "a" }, value: 1 });
    expect(samples).toContainEqual({ name: "d_seconds_bucket", labels: { le: "0.1", component_id: "b" }, value: 0 });
    expect(samples).toContainEqual({ name: "d_seconds_sum", labels: { component_id: "b" }, value: 0.5 });
    expect(samples).toContainEqual({ name: "d_seconds_count", labels: { component_id: "a" }, value: 1 });
  });
});
