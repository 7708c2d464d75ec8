/**
 * PromQL text → {@link Expr}: `@prometheus-io/lezer-promql` parses, this module turns its
 * concrete tree into our typed AST and applies Prometheus's parse-time checks (argument types,
 * `bool` rules, matcher rules), failing with {@link PromQLParseError} in Prometheus's words and
 * position. Constructs outside the supported subset fail the same way, naming the construct.
 */
import type { SyntaxNode } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";
import { COMPARISON_OPS, typeOf, VALUE_TYPE_NAMES, type AggregateOp, type BinaryOp, type Expr, type LabelMatcherNode, type MatchOp, type VectorSelectorNode } from "./ast";
import { FUNCTIONS, isSupportedAggregation, isSupportedFunction, PARAMETERIZED_AGGREGATIONS } from "./catalogue";
import { PromQLParseError } from "./errors";
import { isDurationText, LiteralError, parseDuration, parseNumber, unquoteString } from "./literals";
import { compileMatcherRegex } from "./regex";
import { firstSyntaxError } from "./syntax-errors";

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  Add: "+", Sub: "-", Mul: "*", Div: "/", Mod: "%", Pow: "^", Eql: "==", Neq: "!=", Gtr: ">", Lss: "<", Gte: ">=", Lte: "<=",
};
const MATCH_OPS: Readonly<Record<string, MatchOp>> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };
const UNSUPPORTED_NODES: Readonly<Record<string, string>> = {
  SubqueryExpr: "subqueries are not supported",
  StepInvariantExpr: "the @ modifier is not supported",
  AnchoredExpr: "the anchored modifier is not supported",
  SmoothedExpr: "the smoothed modifier is not supported",
};

/** Parses and type-checks a PromQL query; throws {@link PromQLParseError}. */
export function parsePromQL(query: string): Expr {
  const tree = parser.parse(query);
  const syntax = firstSyntaxError(query, tree);
  if (syntax) throw new PromQLParseError(query, syntax.pos, syntax.message);
  const [top] = children(tree.topNode);
  if (!top) throw new PromQLParseError(query, 0, "no expression found in input");
  return new AstBuilder(query).expr(top);
}

/** Non-comment children of a node, in order. */
function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== "LineComment") out.push(c);
  return out;
}

class AstBuilder {
  constructor(private readonly query: string) {}

  private text(n: SyntaxNode): string {
    return this.query.slice(n.from, n.to);
  }

  private fail(pos: number, reason: string): never {
    throw new PromQLParseError(this.query, pos, reason);
  }

  /** Runs a literal parser, turning its error into a parse error at `pos`. */
  private literal<T>(pos: number, parse: () => T): T {
    try {
      return parse();
    } catch (err) {
      if (err instanceof LiteralError) this.fail(pos, err.message);
      throw err;
    }
  }

  expr(n: SyntaxNode): Expr {
    const span = { from: n.from, to: n.to };
    switch (n.name) {
      case "NumberDurationLiteral":
        return { type: "number", value: this.number(n), ...span };
      case "StringLiteral":
        return { type: "string", value: this.literal(n.from, () => unquoteString(this.text(n))), ...span };
      case "VectorSelector":
        return this.vectorSelector(n);
      case "MatrixSelector":
        return this.matrixSelector(n);
      case "OffsetExpr":
        return this.offset(n);
      case "ParenExpr":
        return { ...this.expr(children(n)[0]!), ...span };
      case "UnaryExpr":
        return this.unary(n);
      case "BinaryExpr":
        return this.binary(n);
      case "FunctionCall":
        return this.call(n);
      case "AggregateExpr":
        return this.aggregate(n);
      default: {
        const at = n.name === "StepInvariantExpr" ? (n.getChild("At")?.from ?? n.from) : n.from;
        return this.fail(at, UNSUPPORTED_NODES[n.name] ?? `unsupported expression ${JSON.stringify(this.text(n))}`);
      }
    }
  }

  /** A number literal, sign included (`- 1` is one literal in lezer's tree). */
  private number(n: SyntaxNode): number {
    const text = this.text(n).replace(/\s+/g, "");
    const sign = text[0] === "-" ? -1 : 1;
    const body = text[0] === "-" || text[0] === "+" ? text.slice(1) : text;
    if (isDurationText(body)) this.fail(n.from, `unexpected duration ${JSON.stringify(body)}`);
    return sign * this.literal(n.from, () => parseNumber(body));
  }

  private vectorSelector(n: SyntaxNode): VectorSelectorNode {
    const ident = n.getChild("Identifier");
    let name = ident ? this.text(ident) : undefined;
    const matchers: LabelMatcherNode[] = [];
    for (const m of children(n.getChild("LabelMatchers") ?? n).filter((c) => c.name !== "Identifier")) {
      if (m.name === "QuotedLabelName") {
        // `{"metric.name"}`: a quoted metric name (Prometheus 3 syntax).
        const quoted = this.literal(m.from, () => unquoteString(this.text(m)));
        if (name !== undefined) this.fail(n.from, `metric name must not be set twice: ${JSON.stringify(name)} or ${JSON.stringify(quoted)}`);
        name = quoted;
        continue;
      }
      matchers.push(this.matcher(m));
    }
    const nameMatcher = matchers.find((m) => m.name === "__name__");
    if (name !== undefined && nameMatcher) this.fail(n.from, `metric name must not be set twice: ${JSON.stringify(name)} or ${JSON.stringify(nameMatcher.value)}`);
    if (name !== undefined) matchers.unshift({ name: "__name__", op: "=", value: name });
    if (matchers.every(matchesEmpty)) this.fail(n.from, "vector selector must contain at least one non-empty matcher");
    const eqName = matchers.find((m) => m.name === "__name__" && m.op === "=");
    return { type: "vectorSelector", name: eqName?.value, matchers, offsetMs: 0, from: n.from, to: n.to };
  }

  private matcher(m: SyntaxNode): LabelMatcherNode {
    const [label, opNode, value] = children(m);
    const name = label!.name === "QuotedLabelName" ? this.literal(label!.from, () => unquoteString(this.text(label!))) : this.text(label!);
    const op = MATCH_OPS[opNode!.firstChild!.name]!;
    const str = this.literal(value!.from, () => unquoteString(this.text(value!)));
    if (op === "=~" || op === "!~") return { name, op, value: str, re: this.literal(m.from, () => compileMatcherRegex(str)) };
    return { name, op, value: str };
  }

  private matrixSelector(n: SyntaxNode): Expr {
    const [inner, durationNode] = children(n);
    const bracket = this.query.indexOf("[", inner!.to);
    if (inner!.name === "OffsetExpr") this.fail(bracket, "no offset modifiers allowed before range");
    // lezer reads `-x[5m]` as (-x)[5m]; PromQL as -(x[5m]), a unary minus on a range vector.
    if (inner!.name === "UnaryExpr") this.fail(inner!.from, 'unary expression only allowed on expressions of type scalar or instant vector, got "range vector"');
    if (inner!.name !== "VectorSelector") this.fail(bracket, "ranges only allowed for vector selectors");
    const rangeMs = this.duration(durationNode!);
    if (rangeMs <= 0) this.fail(durationNode!.from, "duration must be greater than 0");
    return { type: "matrixSelector", selector: this.vectorSelector(inner!), rangeMs, from: n.from, to: n.to };
  }

  /** A `DurationExpr`/`OffsetDurationExpr`: a single literal, optionally signed (offsets only). */
  private duration(n: SyntaxNode): number {
    const parts = children(n);
    if (n.name === "DurationExpr" && /^[-+]/.test(this.text(n))) this.fail(n.from, "missing unit character in duration");
    if (parts.length === 2 && parts[0]!.name === "UnaryOp") return (this.text(parts[0]!) === "-" ? -1 : 1) * this.duration(parts[1]!);
    if (parts.length === 1 && parts[0]!.name !== "NumberDurationLiteralInDurationContext") return this.duration(parts[0]!);
    if (parts.length > 1) this.fail(n.from, "duration expressions are not supported");
    const text = this.text(n).replace(/\s+/g, "");
    if (n.name !== "DurationExpr" && /^[-+]?\d+(?:\.\d+)?$/.test(text)) this.fail(n.from, `unexpected number ${JSON.stringify(text)} in offset, expected duration`);
    const sign = text[0] === "-" ? -1 : 1;
    return sign * this.literal(n.from, () => parseDuration(text.replace(/^[-+]/, "")));
  }

  private offset(n: SyntaxNode): Expr {
    const [inner, , durationNode] = children(n);
    const offsetMs = this.duration(durationNode!);
    if (inner!.name !== "VectorSelector" && inner!.name !== "MatrixSelector" && inner!.name !== "OffsetExpr") {
      this.fail(n.from, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }
    const e = this.expr(inner!);
    const selector = e.type === "matrixSelector" ? e.selector : e;
    if (selector.type !== "vectorSelector" || selector.offsetMs !== 0 || inner!.name === "OffsetExpr") this.fail(n.from, "offset may not be set multiple times");
    const withOffset = { ...selector, offsetMs };
    return e.type === "matrixSelector" ? { ...e, selector: withOffset, from: n.from, to: n.to } : { ...withOffset, from: n.from, to: n.to };
  }

  private unary(n: SyntaxNode): Expr {
    const [opNode, inner] = children(n);
    const op = this.text(opNode!) === "-" ? "-" : "+";
    const e = this.expr(inner!);
    const t = typeOf(e);
    if (t !== "scalar" && t !== "vector") this.fail(n.from, `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(VALUE_TYPE_NAMES[t])}`);
    if (e.type === "number") return { ...e, value: op === "-" ? -e.value : e.value, from: n.from };
    return { type: "unary", op, expr: e, from: n.from, to: n.to };
  }

  private binary(n: SyntaxNode): Expr {
    const parts = children(n);
    const [lhsNode, opNode] = parts;
    const rhsNode = parts[parts.length - 1]!;
    const op = BINARY_OPS[opNode!.name];
    if (!op) this.fail(opNode!.from, `the ${JSON.stringify(this.text(opNode!))} operator is not supported`);
    // lezer reads `-2 ^ 2` as (-2)^2; in PromQL unary minus binds looser than ^: -(2^2).
    const lhsText = this.text(lhsNode!).trim();
    if (op === "^" && lhsNode!.name === "NumberDurationLiteral" && /^[-+]/.test(lhsText)) {
      const abs: Expr = { type: "number", value: Math.abs(this.number(lhsNode!)), from: lhsNode!.from, to: lhsNode!.to };
      const pow: Expr = { type: "binary", op, lhs: abs, rhs: this.expr(rhsNode), bool: false, matching: { on: false, labels: [] }, from: n.from, to: n.to };
      return lhsText[0] === "-" ? { type: "unary", op: "-", expr: pow, from: n.from, to: n.to } : pow;
    }
    const lhs = this.expr(lhsNode!);
    const rhs = this.expr(rhsNode);
    const bool = parts.some((p) => p.name === "BoolModifier");
    const clause = parts.find((p) => p.name === "MatchingModifierClause");
    const fill = parts.find((p) => p.name === "FillModifier");
    if (fill) this.fail(fill.from, "fill modifiers are not supported");
    const matching = { on: false, labels: [] as string[] };
    if (clause) {
      const group = clause.getChild("GroupLeft") ?? clause.getChild("GroupRight");
      if (group) this.fail(group.from, `${this.text(group).toLowerCase()} (many-to-one matching) is not supported`);
      matching.on = clause.getChild("On") !== null;
      matching.labels = this.groupingLabels(clause.getChild("GroupingLabels")!);
    }
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    const comparison = COMPARISON_OPS.has(op);
    if (bool && !comparison) this.fail(opNode!.from, "bool modifier can only be used on comparison operators");
    if (comparison && !bool && lt === "scalar" && rt === "scalar") this.fail(opNode!.from, "comparisons between scalars must use BOOL modifier");
    if (lt !== "scalar" && lt !== "vector") this.fail(lhs.from, "binary expression must contain only scalar and instant vector types");
    if (rt !== "scalar" && rt !== "vector") this.fail(rhs.from, "binary expression must contain only scalar and instant vector types");
    if ((lt !== "vector" || rt !== "vector") && matching.labels.length > 0) this.fail(n.from, "vector matching only allowed between instant vectors");
    return { type: "binary", op, lhs, rhs, bool, matching, from: n.from, to: n.to };
  }

  private groupingLabels(n: SyntaxNode): string[] {
    return children(n).map((l) => (l.name === "QuotedLabelName" ? this.literal(l.from, () => unquoteString(this.text(l))) : this.text(l)));
  }

  private call(n: SyntaxNode): Expr {
    const name = this.text(n.getChild("FunctionIdentifier")!);
    if (!isSupportedFunction(name)) return this.fail(n.from, `function ${JSON.stringify(name)} is not supported`);
    const args = children(n.getChild("FunctionCallBody")!).map((a) => this.expr(a));
    const sig = FUNCTIONS[name];
    if (args.length !== sig.args.length) this.fail(n.from, `expected ${sig.args.length} argument(s) in call to ${JSON.stringify(name)}, got ${args.length}`);
    args.forEach((a, i) => {
      const want = sig.args[i]!;
      const got = typeOf(a);
      if (got !== want) this.fail(a.from, `expected type ${VALUE_TYPE_NAMES[want]} in call to function ${JSON.stringify(name)}, got ${VALUE_TYPE_NAMES[got]}`);
    });
    return { type: "call", func: name, args, from: n.from, to: n.to };
  }

  private aggregate(n: SyntaxNode): Expr {
    const opName = this.text(n.getChild("AggregateOp")!);
    if (!isSupportedAggregation(opName)) return this.fail(n.from, `aggregation ${JSON.stringify(opName)} is not supported`);
    const op: AggregateOp = opName;
    const args = children(n.getChild("FunctionCallBody")!).map((a) => this.expr(a));
    const expected = PARAMETERIZED_AGGREGATIONS.has(op) ? 2 : 1;
    if (args.length === 0) this.fail(n.from, "no arguments for aggregate expression provided");
    if (args.length !== expected) this.fail(n.from, `wrong number of arguments for aggregate expression provided, expected ${expected}, got ${args.length}`);
    const expr = args[args.length - 1]!;
    const param = expected === 2 ? args[0] : undefined;
    if (typeOf(expr) !== "vector") this.fail(expr.from, `expected type instant vector in aggregation expression, got ${VALUE_TYPE_NAMES[typeOf(expr)]}`);
    if (param && typeOf(param) !== "scalar") this.fail(param.from, `expected type scalar in aggregation parameter, got ${VALUE_TYPE_NAMES[typeOf(param)]}`);
    const modifier = n.getChild("AggregateModifier");
    const grouping = modifier ? this.groupingLabels(modifier.getChild("GroupingLabels")!) : [];
    return { type: "aggregate", op, param, expr, grouping, without: modifier?.getChild("Without") !== null && modifier !== null, from: n.from, to: n.to };
  }
}

/** True when a matcher accepts the empty string (a selector needs one that does not). */
function matchesEmpty(m: LabelMatcherNode): boolean {
  switch (m.op) {
    case "=":
      return m.value === "";
    case "!=":
      return m.value !== "";
    case "=~":
      return m.re!.test("");
    case "!~":
      return !m.re!.test("");
  }
}
