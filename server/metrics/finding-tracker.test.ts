import { describe, expect, it } from "vitest";
import type { Finding } from "../diagnosis/diagnosis-types";
import { FindingTracker } from "./finding-tracker";

const f = (code: string, component?: string): Finding => ({ code, severity: "warning", message: `${code} ${component ?? ""}`, ...(component ? { component } : {}) }) as Finding;

describe("FindingTracker", () => {
  it("raises a finding once and keeps it while it is seen", () => {
    const t = new FindingTracker();
    expect(t.update([f("BOTTLENECK", "db")]).raised.map((x) => x.code)).toEqual(["BOTTLENECK"]);
    expect(t.update([f("BOTTLENECK", "db")])).toEqual({ raised: [], cleared: [] });
  });

  it("clears only after two diagnoses in a row without it, so a flapping finding stays raised", () => {
    const t = new FindingTracker();
    const flapping = [f("RATES_DIFFER", "sink")];
    t.update(flapping);
    for (let i = 0; i < 4; i++) {
      expect(t.update([])).toEqual({ raised: [], cleared: [] });
      expect(t.update(flapping)).toEqual({ raised: [], cleared: [] });
    }
    expect(t.update([]).cleared).toEqual([]);
    expect(t.update([]).cleared.map((x) => x.component)).toEqual(["sink"]);
    expect(t.update(flapping).raised).toHaveLength(1);
  });

  it("tells findings apart by component", () => {
    const t = new FindingTracker(1);
    t.update([f("QUEUE_FULL", "a")]);
    expect(t.update([f("QUEUE_FULL", "b")])).toMatchObject({ raised: [{ component: "b" }], cleared: [{ component: "a" }] });
  });
});
