import { describe, expect, it } from "vitest";
import { parseExposition } from "./exposition";
import { ExpositionReader } from "./exposition-reader";
import { seriesKey } from "./series-store";

const TEXT = `# HELP component_events_processed_total Events processed.
# TYPE component_events_processed_total counter
component_events_processed_total{component_id="work",pipeline="p"} 1027
# HELP component_processing_duration_seconds Time per event.
# TYPE component_processing_duration_seconds histogram
component_processing_duration_seconds_bucket{le="0.005",component_id="work"} 3
component_processing_duration_seconds_bucket{le="+Inf",component_id="work"} 4
component_processing_duration_seconds_sum{component_id="work"} 0.25
component_processing_duration_seconds_count{component_id="work"} 4
process_cpu_seconds_total 1.5 1700000000000
odd{path="a} b",instance="own"} NaN
`;

const target = { job: "flowctl-component", instance: "work-0" };

describe("ExpositionReader", () => {
  it("reads what parseExposition reads, with the target's labels and the store key", () => {
    const reader = new ExpositionReader(target);
    const samples = reader.read(TEXT);
    const expected = parseExposition(TEXT);
    expect(samples.map((s) => s.name)).toEqual(expected.map((s) => s.name));
    expect(samples[1]).toEqual({
      name: "component_processing_duration_seconds_bucket",
      labels: { le: "0.005", component_id: "work", ...target },
      key: seriesKey("component_processing_duration_seconds_bucket", { le: "0.005", component_id: "work", ...target }),
      value: 3,
    });
    // A clashing exposed label is kept as exported_<name>, as Prometheus does with honor_labels: false.
    expect(samples.at(-1)!.labels).toEqual({ path: "a} b", exported_instance: "own", instance: "work-0", job: "flowctl-component" });
    expect(samples.at(-1)!.value).toBeNaN();
  });

  it("parses a series line once and only reads values on later scrapes", () => {
    const reader = new ExpositionReader(target);
    reader.read(TEXT);
    expect(reader.size).toBe(7);
    const again = reader.read(TEXT.replace("} 1027", "} 2048"));
    expect(reader.size).toBe(7);
    expect(again[0]!.value).toBe(2048);
  });

  it("throws naming the metric on a malformed value or timestamp, and on a line without a value", () => {
    const reader = new ExpositionReader(target);
    reader.read(TEXT);
    expect(() => reader.read('component_events_processed_total{component_id="work",pipeline="p"} abc\n')).toThrow(/component_events_processed_total has non-numeric value "abc"/);
    expect(() => reader.read("process_cpu_seconds_total 1 12.5\n")).toThrow(/process_cpu_seconds_total has bad timestamp "12.5"/);
    expect(() => reader.read("lonely\n")).toThrow(/"lonely" has no value/);
    expect(() => reader.read('bad-name{a="1"} 1\n')).toThrow(/invalid exposition/);
  });

  it("resets its cache at the bound instead of growing without limit", () => {
    const reader = new ExpositionReader(target, 3);
    reader.read(Array.from({ length: 5 }, (_, i) => `m{i="${i}"} ${i}`).join("\n"));
    expect(reader.size).toBeLessThanOrEqual(3);
  });
});
