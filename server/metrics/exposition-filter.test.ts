import { describe, expect, it } from "vitest";
import { createEngineMetrics } from "./engine-metrics";
import { ofPipeline, processWide } from "./exposition-filter";

describe("ofPipeline", () => {
  it("keeps process-wide series and the pipeline's own, not other runs' edges", () => {
    const text = [
      "# TYPE flowctl_edge_events_total counter",
      'flowctl_edge_events_total{pipeline="orders",from="a",to="b"} 5',
      'flowctl_edge_events_total{pipeline="orders-2",from="a",to="b"} 7',
      "flowctl_active_streams 3",
    ].join("\n");
    expect(ofPipeline(text, "orders").split("\n")).toEqual(["# TYPE flowctl_edge_events_total counter", 'flowctl_edge_events_total{pipeline="orders",from="a",to="b"} 5', "flowctl_active_streams 3"]);
    expect(processWide(text).split("\n")).toEqual(["# TYPE flowctl_edge_events_total counter", "flowctl_active_streams 3"]);
  });
});

describe("EngineMetrics.exposition", () => {
  it("formats the registry once for callers within its age, then again", async () => {
    const m = createEngineMetrics({ defaultMetrics: false });
    m.activeStreams.set(1);
    const first = m.exposition();
    m.activeStreams.set(2);
    expect(m.exposition()).toBe(first);
    expect(await first).toContain("flowctl_active_streams 1");
  });
});
