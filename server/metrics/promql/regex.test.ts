import { describe, expect, it } from "vitest";
import { LiteralError } from "./literals";
import { compileMatcherRegex } from "./regex";

const matches = (pattern: string, value: string) => compileMatcherRegex(pattern).test(value);

describe("compileMatcherRegex", () => {
  it("anchors the whole value, like Prometheus", () => {
    expect(matches("a|b", "a")).toBe(true);
    expect(matches("a|b", "ab")).toBe(false);
    expect(matches("s.*", "sink")).toBe(true);
    expect(matches("s.*", "xsink")).toBe(false);
  });

  it("translates RE2 forms JavaScript spells differently", () => {
    expect(matches("(?i)sink", "SiNk")).toBe(true);
    expect(matches("[[:digit:]]+", "123")).toBe(true);
    expect(matches("[[:alpha:]_]+", "a_b")).toBe(true);
    expect(matches("\\Qa.b\\E", "a.b")).toBe(true);
    expect(matches("\\Qa.b\\E", "axb")).toBe(false);
    expect(matches("(?P<n>a)b", "ab")).toBe(true);
    expect(matches("\\pL+", "héllo")).toBe(true);
    expect(matches("[]a]+", "]a")).toBe(true);
    expect(matches("ab\\z", "ab")).toBe(true);
  });

  it("lets . match a newline (Prometheus 3)", () => {
    expect(matches("a.b", "a\nb")).toBe(true);
  });

  it("refuses what RE2 refuses instead of matching something else", () => {
    expect(() => compileMatcherRegex("(?=a)")).toThrow(new LiteralError("error parsing regexp: invalid or unsupported Perl syntax: `(?=`"));
    expect(() => compileMatcherRegex("(a)\\1")).toThrow(new LiteralError("error parsing regexp: invalid escape sequence: `\\1`"));
    expect(() => compileMatcherRegex("(")).toThrow(/^error parsing regexp: .*`\(`$/);
    expect(() => compileMatcherRegex("a(?i)b")).toThrow(/inline flags|Perl syntax/);
  });
});
