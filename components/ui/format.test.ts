import { describe, expect, it } from "vitest";
import { formatAgo, formatClock, formatCount, formatDuration, formatMs, formatPercent, formatRate } from "./format";

describe("format", () => {
  it("formats rates with units and keeps unknown as a dash", () => {
    expect(formatRate(0)).toBe("0/s");
    expect(formatRate(2.34)).toBe("2.3/s");
    expect(formatRate(12.34)).toBe("12/s");
    expect(formatRate(4567)).toBe("4.6k/s");
    expect(formatRate(45_678)).toBe("46k/s");
    expect(formatRate(2_500_000)).toBe("2.5M/s");
    expect(formatRate(null)).toBe("—");
  });

  it("formats latencies, shares, counts and durations", () => {
    expect(formatMs(0.421)).toBe("0.42 ms");
    expect(formatMs(3.25)).toBe("3.3 ms");
    expect(formatMs(42.4)).toBe("42 ms");
    expect(formatMs(1500)).toBe("1.5 s");
    expect(formatPercent(0.374)).toBe("37 %");
    expect(formatCount(1234567)).toBe("1\u2009234\u2009567");
    expect(formatDuration(45_000)).toBe("45 s");
    expect(formatDuration(192_000)).toBe("3 m 12 s");
    expect(formatDuration(7_500_000)).toBe("2 h 5 m");
  });

  it("says how long ago, relative to the given now", () => {
    const now = Date.parse("2026-12-06T12:00:00Z");
    expect(formatAgo("2026-12-06T11:59:57Z", now)).toBe("just now");
    expect(formatAgo("2026-12-06T11:59:35Z", now)).toBe("25 s ago");
    expect(formatAgo("2026-12-06T11:55:00Z", now)).toBe("5 m ago");
    expect(formatAgo("2026-12-06T09:00:00Z", now)).toBe("3 h ago");
    expect(formatAgo("2026-11-01T09:00:00Z", now)).toBe("2026-11-01");
  });

  it("formats wall-clock times as HH:MM:SS on a 24-hour clock", () => {
    expect(formatClock(new Date(2026, 0, 1, 13, 5, 9).getTime())).toBe("13:05:09");
    expect(formatClock(new Date(2026, 0, 1, 0, 0, 1).toISOString())).toBe("00:00:01");
  });
});
