import { describe, expect, it } from "vitest";
import { canRedo, canUndo, createHistory, recordChange, redo, undo } from "./history";

describe("history", () => {
  it("undoes and redoes in order; a new change clears the redo stack", () => {
    let h = createHistory("a");
    h = recordChange(h, "b", { label: "b", at: 1 });
    h = recordChange(h, "c", { label: "c", at: 2 });
    h = undo(h);
    expect(h.present.state).toBe("b");
    h = undo(h);
    expect(h.present.state).toBe("a");
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present.state).toBe("b");
    h = recordChange(h, "d", { label: "d", at: 3 });
    expect(canRedo(h)).toBe(false);
    expect(redo(h)).toBe(h);
    expect([...h.past.map((e) => e.state), h.present.state]).toEqual(["a", "b", "d"]);
  });

  it("coalesces changes with one key inside the window, and only those", () => {
    let h = createHistory("", { coalesceMs: 500 });
    for (const [i, text] of ["h", "he", "hel", "hell"].entries()) h = recordChange(h, text, { label: "type", at: i * 100, coalesceKey: "yaml" });
    h = recordChange(h, "hello", { label: "type", at: 1000, coalesceKey: "yaml" }); // a pause: new step
    h = recordChange(h, "hello!", { label: "field", at: 1050, coalesceKey: "field:x" }); // other key: new step
    expect(h.past.map((e) => e.state)).toEqual(["", "hell", "hello"]);
    h = undo(h);
    h = undo(h);
    expect(h.present.state).toBe("hell");
    // After an undo the next change starts a new step even with the same key.
    h = recordChange(h, "hellx", { label: "type", at: 1060, coalesceKey: "yaml" });
    expect(h.past.map((e) => e.state)).toEqual(["", "hell"]);
  });

  it("drops the oldest steps beyond the limit and the byte budget", () => {
    let h = createHistory(0, { limit: 3 });
    for (let i = 1; i <= 10; i++) h = recordChange(h, i, { label: String(i), at: i });
    expect(h.past.map((e) => e.state)).toEqual([7, 8, 9]);
    let b = createHistory("x", { maxBytes: 100, size: 10 });
    for (let i = 0; i < 10; i++) b = recordChange(b, `s${i}`, { label: "s", at: i, size: 30 });
    expect(b.past.length).toBe(2); // 2 × 30 past + 30 present ≤ 100
    expect(b.present.state).toBe("s9");
  });

  it("rejects a limit below one", () => {
    expect(() => createHistory(0, { limit: 0 })).toThrow(/limit must be an integer ≥ 1/);
  });
});
