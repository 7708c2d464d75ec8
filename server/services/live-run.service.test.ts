/** The status line's diagnosis phrase: collecting, keeps up, or the bottleneck (named once). */
import { describe, expect, it } from "vitest";
import type { DiagnosisReport } from "../diagnosis/diagnosis-types";
import { describeVerdict } from "./live-run.service";

const report = (bottleneck: DiagnosisReport["bottleneck"]): DiagnosisReport => ({
  pipeline: "p",
  window: { from: "2026-01-01T00:00:00.000Z", to: "2026-01-01T00:00:10.000Z" },
  bottleneck,
  components: [],
  findings: [],
});

describe("describeVerdict", () => {
  it("says a first window is being collected before any diagnosis", () => {
    expect(describeVerdict(undefined)).toBe("diagnosis: collecting a first window");
  });

  it("says keeps up when there is no bottleneck", () => {
    expect(describeVerdict(report(null))).toBe("keeps up");
  });

  it("names a component bottleneck once, with its reason", () => {
    const v = describeVerdict(report({ kind: "component", component: "db", edge: null, reason: "db (sink) is the bottleneck: busy 100 %", evidence: [], recommendations: [], estimates: [] }));
    expect(v).toBe("bottleneck: db (sink) is the bottleneck: busy 100 %");
  });

  it("names an edge bottleneck by its endpoints", () => {
    const v = describeVerdict(report({ kind: "edge", component: null, edge: { from: "a", to: "b" }, reason: "events lost in transport", evidence: [], recommendations: [], estimates: [] }));
    expect(v).toBe("bottleneck: edge a → b (events lost in transport)");
  });

  it("names a host bottleneck by its cores", () => {
    const v = describeVerdict(report({ kind: "host", component: null, edge: null, cpus: 2, busyCores: 1.98, reason: "the host is the bottleneck: 2.0 of its 2 cores are busy", evidence: [], recommendations: [], estimates: [] }));
    expect(v).toBe("bottleneck: host (2 cores, 2.0 busy), no stage more than half busy");
  });
});
