import { describe, expect, it } from "vitest";
import { SeriesStore, seriesKey } from "./series-store";

describe("SeriesStore", () => {
  it("keys series by name and sorted labels", () => {
    expect(seriesKey("m", { b: "2", a: "1" })).toBe(seriesKey("m", { a: "1", b: "2" }));
    const s = new SeriesStore();
    s.append("m", { b: "2", a: "1" }, 1000, 1);
    s.append("m", { a: "1", b: "2" }, 2000, 2);
    expect(s.seriesCount).toBe(1);
    expect(s.select("m")[0]!.length).toBe(2);
  });

  it("keeps only the newest `capacity` points, oldest first", () => {
    const s = new SeriesStore({ capacity: 50 });
    for (let i = 0; i < 130; i++) s.append("m", {}, 1_000 + i * 1000, i);
    const v = s.select("m")[0]!;
    expect(v.length).toBe(50);
    expect(v.valueAt(0)).toBe(80);
    expect(v.valueAt(49)).toBe(129);
    expect(v.timeAt(0)).toBe(1_000 + 80 * 1000);
  });

  it("drops out-of-order samples and overwrites a repeated timestamp", () => {
    const s = new SeriesStore();
    s.append("m", {}, 2000, 1);
    s.append("m", {}, 1000, 5);
    s.append("m", {}, 2000, 7);
    const v = s.select("m")[0]!;
    expect(v.length).toBe(1);
    expect(v.valueAt(0)).toBe(7);
  });

  it("selects by exact, regex and negative matchers", () => {
    const s = new SeriesStore();
    s.append("m", { c: "a" }, 1000, 1);
    s.append("m", { c: "ab" }, 1000, 2);
    s.append("m", { c: "b" }, 1000, 3);
    expect(s.select("m", { c: "a" }).map((x) => x.valueAt(0))).toEqual([1]);
    expect(s.select("m", { c: { re: /a.*/ } }).length).toBe(2);
    expect(s.select("m", { c: { ne: "a" } }).length).toBe(2);
  });

  it("stays within its memory bound with 10k series of a full hour each", () => {
    const s = new SeriesStore({ capacity: 3600, maxSeries: 10_000 });
    const t0 = 1_700_000_000_000;
    // Fill 10k series with 100 points each, then 10 of them with a full ring (3600) and more.
    for (let i = 0; i < 10_000; i++) for (let p = 0; p < 100; p++) s.append("m", { i: String(i) }, t0 + p * 1000, p);
    for (let i = 0; i < 10; i++) for (let p = 100; p < 4000; p++) s.append("m", { i: String(i) }, t0 + p * 1000, p);
    expect(s.seriesCount).toBe(10_000);
    // 9 990 rings grown to 128 points, 10 at 3 600 points, 12 bytes each.
    expect(s.memoryBytes()).toBe((9_990 * 128 + 10 * 3600) * 12);
    expect(s.memoryBytes()).toBeLessThanOrEqual(s.maxMemoryBytes());
    expect(s.maxMemoryBytes()).toBe(10_000 * 3600 * 12);
    // A 10 001st live series is refused, counted, and nothing else changes.
    expect(s.append("m", { i: "new" }, t0 + 100 * 1000, 1)).toBe(false);
    expect(s.rejectedSeries).toBe(1);
    expect(s.seriesCount).toBe(10_000);
  });

  it("evicts stale series to admit a new one when full", () => {
    const s = new SeriesStore({ maxSeries: 2, staleAfterMs: 10_000 });
    s.append("m", { i: "old" }, 1000, 1);
    s.append("m", { i: "live" }, 30_000, 1);
    expect(s.append("m", { i: "new" }, 31_000, 1)).toBe(true);
    expect(s.select("m").map((v) => v.labels.i).sort()).toEqual(["live", "new"]);
    expect(s.rejectedSeries).toBe(0);
  });

  it("rejects invalid options naming the field", () => {
    expect(() => new SeriesStore({ capacity: 0 })).toThrow(/capacity/);
  });
});
