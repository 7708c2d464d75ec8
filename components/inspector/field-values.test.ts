/** Typed text becomes the YAML value the file should hold, and back. */
import { describe, expect, it } from "vitest";
import { fieldText, parseFieldText, sameValue } from "./field-values";

describe("parseFieldText", () => {
  it("writes numbers, booleans and lists as such, and keeps anything else as typed", () => {
    expect(parseFieldText("integer", "3")).toEqual({ unset: false, value: 3 });
    expect(parseFieldText("number", "0.5")).toEqual({ unset: false, value: 0.5 });
    expect(parseFieldText("integer", "3x")).toEqual({ unset: false, value: "3x" });
    expect(parseFieldText("boolean", "true")).toEqual({ unset: false, value: true });
    expect(parseFieldText("string-list", "a, b,,c ")).toEqual({ unset: false, value: ["a", "b", "c"] });
    expect(parseFieldText("quantity", "500m")).toEqual({ unset: false, value: "500m" });
    expect(parseFieldText("quantity", "2")).toEqual({ unset: false, value: 2 });
    expect(parseFieldText("string", " keep spaces ")).toEqual({ unset: false, value: " keep spaces " });
  });

  it("empty text unsets", () => {
    expect(parseFieldText("integer", "  ")).toEqual({ unset: true });
    expect(parseFieldText("string", "")).toEqual({ unset: true });
  });
});

describe("fieldText / sameValue", () => {
  it("shows stored values and recognises typed text that means the stored value", () => {
    expect(fieldText(["a", "b"])).toBe("a, b");
    expect(fieldText(undefined)).toBe("");
    expect(fieldText(1000)).toBe("1000");
    expect(sameValue("integer", "1000", 1000)).toBe(true);
    expect(sameValue("number", "1.", 1)).toBe(true);
    expect(sameValue("integer", "1000", "1000")).toBe(false);
    expect(sameValue("string-list", "a, b", ["a", "b"])).toBe(true);
    expect(sameValue("string", "", undefined)).toBe(true);
  });
});
