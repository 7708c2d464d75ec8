import { describe, expect, it } from "vitest";
import { logLevelOf, matchingLines, stepMatch } from "./log-search";

describe("log search", () => {
  it("finds lines case-insensitively and ignores an empty query", () => {
    const lines = ["INFO ready", "WARN slow write", "error: timeout", "info again"];
    expect(matchingLines(lines, "info")).toEqual([0, 3]);
    expect(matchingLines(lines, "  ")).toEqual([]);
  });

  it("moves to the next and previous match, wrapping at both ends", () => {
    const m = [2, 5, 9];
    expect(stepMatch(m, -1, 1)).toBe(0);
    expect(stepMatch(m, -1, -1)).toBe(2);
    expect(stepMatch(m, 2, 1)).toBe(0);
    expect(stepMatch(m, 0, -1)).toBe(2);
    expect(stepMatch([], 0, 1)).toBe(-1);
  });
});

describe("logLevelOf", () => {
  it("reads the severity a line announces, in the formats components use", () => {
    expect(logLevelOf("20:24:29.433 ERROR write failed")).toBe("error");
    expect(logLevelOf('{"level":"warn","msg":"slow"}')).toBe("warn");
    expect(logLevelOf("level=error msg=boom")).toBe("error");
    expect(logLevelOf("Error: ENOENT")).toBe("error");
    expect(logLevelOf("20:24:29.434 INFO  component ready")).toBeNull();
  });
});
