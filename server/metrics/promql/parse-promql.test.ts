import { describe, expect, it } from "vitest";
import { PARSE_ERRORS, UNSUPPORTED } from "./__fixtures__/query-cases";
import { typeOf, type Expr } from "./ast";
import { PromQLParseError } from "./errors";
import { parsePromQL } from "./parse-promql";

/** The tree without positions and compiled regexes, for readable expectations. */
function shape(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(shape);
  if (e && typeof e === "object") {
    return Object.fromEntries(
      Object.entries(e)
        .filter(([k]) => k !== "from" && k !== "to" && k !== "re")
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return e;
}

function parseError(query: string): PromQLParseError {
  try {
    parsePromQL(query);
  } catch (err) {
    if (err instanceof PromQLParseError) return err;
    throw err;
  }
  throw new Error(`${JSON.stringify(query)} parsed`);
}

const sel = (name: string, extra: object[] = [], offsetMs = 0) => ({ type: "vectorSelector", name, matchers: [{ name: "__name__", op: "=", value: name }, ...extra], offsetMs });

describe("parsePromQL", () => {
  it("builds a typed tree for a console query", () => {
    const e = parsePromQL('histogram_quantile(0.99, sum by (component_id, le) (rate(component_processing_duration_seconds_bucket{pipeline="p"}[1m])))');
    expect(shape(e)).toEqual({
      type: "call",
      func: "histogram_quantile",
      args: [
        { type: "number", value: 0.99 },
        {
          type: "aggregate",
          op: "sum",
          param: undefined,
          grouping: ["component_id", "le"],
          without: false,
          expr: {
            type: "call",
            func: "rate",
            args: [{ type: "matrixSelector", rangeMs: 60_000, selector: sel("component_processing_duration_seconds_bucket", [{ name: "pipeline", op: "=", value: "p" }]) }],
          },
        },
      ],
    });
    expect(typeOf(e)).toBe("vector");
  });

  it("reads all four matcher operators, compiling regexes anchored", () => {
    const e = parsePromQL('x{a="1", b!="2", c=~"d|e", f!~"g.*"}') as Extract<Expr, { type: "vectorSelector" }>;
    expect(e.matchers.map((m) => `${m.name}${m.op}${m.value}`)).toEqual(["__name__=x", "a=1", "b!=2", "c=~d|e", "f!~g.*"]);
    expect(e.matchers[3]!.re!.test("d")).toBe(true);
    expect(e.matchers[3]!.re!.test("dd")).toBe(false);
  });

  it("selects by name matcher alone, and quoted metric names", () => {
    expect(shape(parsePromQL('{__name__=~"flowctl_.*"}'))).toMatchObject({ type: "vectorSelector", name: undefined });
    expect(shape(parsePromQL('{__name__="up"}'))).toMatchObject({ type: "vectorSelector", name: "up" });
    expect(shape(parsePromQL('{"my.metric", a="b"}'))).toMatchObject({ type: "vectorSelector", name: "my.metric" });
  });

  it("applies offsets to instant and range selectors, negative ones included", () => {
    expect(shape(parsePromQL("x offset 5m"))).toEqual(sel("x", [], 300_000));
    expect(shape(parsePromQL("x offset -1h30m"))).toEqual(sel("x", [], -5_400_000));
    expect(shape(parsePromQL("rate(x[1m] offset 10s)"))).toMatchObject({ args: [{ type: "matrixSelector", rangeMs: 60_000, selector: { offsetMs: 10_000 } }] });
  });

  it("reads numbers as Prometheus does: hex, octal, exponent, Inf, NaN", () => {
    const value = (q: string) => (parsePromQL(q) as Extract<Expr, { type: "number" }>).value;
    expect(value("0x1F")).toBe(31);
    expect(value("010")).toBe(8);
    expect(value("08")).toBe(8);
    expect(value("-1.5e3")).toBe(-1500);
    expect(value(".5")).toBe(0.5);
    expect(value("+Inf")).toBe(Infinity);
    expect(value("NaN")).toBeNaN();
  });

  it("unquotes strings with Go's escapes in all three quote styles", () => {
    const value = (q: string) => (parsePromQL(q) as Extract<Expr, { type: "string" }>).value;
    expect(value('"a\\"b\\n"')).toBe('a"b\n');
    expect(value("'it\\'s'")).toBe("it's");
    expect(value("`raw\\n`")).toBe("raw\\n");
    expect(value('"\\x41\\101\\u00e9\\U0001F600"')).toBe("AAé😀");
  });

  it("binds unary minus looser than ^, like Prometheus (-2 ^ 2 is -4)", () => {
    expect(shape(parsePromQL("-2 ^ 2"))).toEqual({
      type: "unary",
      op: "-",
      expr: { type: "binary", op: "^", lhs: { type: "number", value: 2 }, rhs: { type: "number", value: 2 }, bool: false, matching: { on: false, labels: [] } },
    });
    expect(shape(parsePromQL("2 ^ 3 ^ 2"))).toMatchObject({ lhs: { value: 2 }, rhs: { type: "binary", op: "^" } });
  });

  it("keeps bool and on/ignoring on binary operations", () => {
    expect(shape(parsePromQL("a > bool on(x, y) b"))).toMatchObject({ type: "binary", op: ">", bool: true, matching: { on: true, labels: ["x", "y"] } });
    expect(shape(parsePromQL("a / ignoring(z) b"))).toMatchObject({ op: "/", bool: false, matching: { on: false, labels: ["z"] } });
  });

  it("reads topk's parameter and grouping written after the body", () => {
    expect(shape(parsePromQL("topk(3, x) by (a)"))).toMatchObject({ type: "aggregate", op: "topk", param: { type: "number", value: 3 }, grouping: ["a"], without: false });
    expect(shape(parsePromQL("sum without (a) (x)"))).toMatchObject({ op: "sum", grouping: ["a"], without: true });
  });

  it("ignores comments", () => {
    expect(shape(parsePromQL("x # the metric\n + 1"))).toMatchObject({ type: "binary", op: "+" });
  });

  it.each(PARSE_ERRORS)("refuses %j with Prometheus's message and position", (query, message) => {
    const err = parseError(query);
    expect(err.message).toBe(message);
    expect(err.errorType).toBe("bad_data");
  });

  it.each(UNSUPPORTED)("refuses %j, naming what is not supported", (query, construct) => {
    expect(parseError(query).message).toMatch(construct);
  });

  it("reports positions on later lines as line:column", () => {
    expect(parseError("sum(\n  rate(x)\n)").message).toBe('2:8: parse error: expected type range vector in call to function "rate", got instant vector');
  });
});
