import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareRuns } from "./compare-runs";
import { diagnose } from "./diagnose";
import type { MetricWindow } from "./diagnosis-types";

const fixture = (name: string): MetricWindow => (JSON.parse(readFileSync(path.join(import.meta.dirname, "fixtures", `${name}.json`), "utf8")) as { window: MetricWindow }).window;

const waiting = (replicas: number, extra = "") => `apiVersion: flowctl/v1
kind: Pipeline
metadata: { name: waiting }
spec:
  sources:
    - { id: gen, type: load-generator, env: { EVENTS_PER_SECOND: 0 } }
  processors:
    - { id: geocode, type: passthrough, inputs: [gen], replicas: ${replicas}, env: { DELAY_MS: 4 } }
  sinks:
    - { id: out, type: blackhole, inputs: [geocode]${extra} }
`;

describe("a run compared with the one before it", () => {
  const before = { runId: "11111111-aaaa", configYaml: waiting(2), report: diagnose(fixture("waiting-processor")) };
  const after = { runId: "22222222-bbbb", configYaml: waiting(4), report: diagnose(fixture("waiting-processor-4-replicas")) };

  it("reports how close the recommended replica estimate came", () => {
    expect(compareRuns(before, after)).toEqual({
      previousRunId: "11111111-aaaa",
      changes: [
        {
          component: "geocode",
          setting: "replicas",
          from: "2",
          to: "4",
          recommended: true,
          estimate: 900,
          measured: expect.closeTo(844, 0),
          before: expect.closeTo(450, 0),
          ratio: 0.937,
          message: "geocode: replicas 2 → 4, as run 11111111's diagnosis recommended; geocode's rate 450 → 844 events/s (+88 %); run 11111111 estimated ≈ 900 events/s: the measured rate is 94 % of the estimate",
        },
      ],
    });
  });

  it("lists a change the diagnosis did not recommend, with its measured effect", () => {
    const c = compareRuns(before, { ...after, configYaml: waiting(2, ", batch: { size: 50, flush_interval_ms: 20 }") })!;
    expect(c.changes).toEqual([expect.objectContaining({ component: "out", setting: "batch", from: "none", to: "{ size: 50, flush_interval_ms: 20 }", recommended: false, estimate: null })]);
  });

  it("says a batch was set as recommended, and what it did to the sink's rate", () => {
    const yaml = (batch: string) => `apiVersion: flowctl/v1
kind: Pipeline
metadata: { name: slow }
spec:
  sources: [{ id: gen, type: load-generator }]
  processors: [{ id: proc, type: passthrough, inputs: [gen] }]
  sinks: [{ id: db, type: blackhole, inputs: [proc]${batch} }]
`;
    const prev = { runId: "33333333-cccc", configYaml: yaml(""), report: diagnose(fixture("linear-slow-sink")) };
    const next = { runId: "44444444-dddd", configYaml: yaml(", batch: { size: 500, flush_interval_ms: 200 }"), report: diagnose(fixture("batched-sink-filling")) };
    const [change] = compareRuns(prev, next)!.changes;
    expect(change!.message).toBe("db: batch none → { size: 500, flush_interval_ms: 200 }, as run 33333333's diagnosis recommended; db's rate 99.0 → 222 events/s (+124 %)");
  });

  it("has nothing to say when the pipeline file did not change", () => {
    expect(compareRuns(before, { ...after, configYaml: waiting(2) })).toBeUndefined();
  });
});
