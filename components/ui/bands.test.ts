import { describe, expect, it } from "vitest";
import { fillBand, healthBand, runStatusBand } from "./bands";

describe("fillBand", () => {
  it.each([
    [0, "ok"],
    [0.599, "ok"],
    [0.6, "warn"],
    [0.849, "warn"],
    [0.85, "bad"],
    [1, "bad"],
    [null, "idle"],
    [Number.NaN, "idle"],
  ] as const)("a queue %s full is %s (NiFi's 60 %% / 85 %% bands)", (fill, band) => {
    expect(fillBand(fill)).toBe(band);
  });
});

describe("healthBand", () => {
  it("is green only for a running, healthy component", () => {
    expect(healthBand("HEALTHY", "running")).toBe("ok");
    expect(healthBand("UNKNOWN", "running")).toBe("idle");
    expect(healthBand("HEALTHY", "restarting")).toBe("warn");
    expect(healthBand("UNHEALTHY", "running")).toBe("bad");
    expect(healthBand("HEALTHY", "failed")).toBe("bad");
  });
});

describe("runStatusBand", () => {
  it("colours failures red and interruptions like failures", () => {
    expect(runStatusBand("FAILED")).toBe("bad");
    expect(runStatusBand("INTERRUPTED")).toBe("bad");
    expect(runStatusBand("RUNNING")).toBe("ok");
    expect(runStatusBand("STOPPED")).toBe("idle");
    expect(runStatusBand("STARTING")).toBe("warn");
  });
});
