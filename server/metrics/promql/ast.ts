/**
 * The PromQL syntax tree the evaluator runs: a typed union produced by {@link parsePromQL} from
 * `@prometheus-io/lezer-promql`'s concrete tree, already type-checked, so evaluation never meets
 * a range vector where an instant vector belongs. Only the subset documented in docs/prometheus.md
 * exists here; everything else is refused by the parser.
 */

/** The four PromQL value types. */
export type ValueType = "scalar" | "vector" | "matrix" | "string";

/** How Prometheus names a value type in its messages (`got range vector`). */
export const VALUE_TYPE_NAMES: Readonly<Record<ValueType, string>> = {
  scalar: "scalar",
  vector: "instant vector",
  matrix: "range vector",
  string: "string",
};

/** Character offsets `[from, to)` in the query text, for error positions. */
export interface Span {
  from: number;
  to: number;
}

export type MatchOp = "=" | "!=" | "=~" | "!~";

/** One label matcher; `re` is compiled once at parse time (anchored, like Prometheus). */
export interface LabelMatcherNode {
  name: string;
  op: MatchOp;
  value: string;
  re?: RegExp;
}

/** Arithmetic and comparison operators (the set operators and `atan2` are refused). */
export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "^" | "==" | "!=" | ">" | "<" | ">=" | "<=";

export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(["==", "!=", ">", "<", ">=", "<="]);

export type AggregateOp = "sum" | "avg" | "min" | "max" | "count" | "topk" | "bottomk";

/** Functions the evaluator implements. */
export type FunctionName =
  | "rate"
  | "irate"
  | "increase"
  | "avg_over_time"
  | "min_over_time"
  | "max_over_time"
  | "sum_over_time"
  | "count_over_time"
  | "last_over_time"
  | "histogram_quantile"
  | "abs"
  | "clamp_min"
  | "clamp_max"
  | "scalar"
  | "vector"
  | "time";

export interface NumberNode extends Span {
  type: "number";
  value: number;
}

export interface StringNode extends Span {
  type: "string";
  value: string;
}

/** `name{matchers} offset d`; `name` is also present as an `__name__` equality matcher. */
export interface VectorSelectorNode extends Span {
  type: "vectorSelector";
  name: string | undefined;
  matchers: LabelMatcherNode[];
  /** Milliseconds; negative looks into the future, like Prometheus. */
  offsetMs: number;
}

export interface MatrixSelectorNode extends Span {
  type: "matrixSelector";
  selector: VectorSelectorNode;
  rangeMs: number;
}

export interface CallNode extends Span {
  type: "call";
  func: FunctionName;
  args: Expr[];
}

export interface AggregateNode extends Span {
  type: "aggregate";
  op: AggregateOp;
  /** `k` of topk/bottomk. */
  param: Expr | undefined;
  expr: Expr;
  grouping: string[];
  without: boolean;
}

/** Vector matching of a binary operation: `on(...)` / `ignoring(...)`; default is `ignoring()`. */
export interface VectorMatching {
  on: boolean;
  labels: string[];
}

export interface BinaryNode extends Span {
  type: "binary";
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  /** `bool` modifier of a comparison. */
  bool: boolean;
  matching: VectorMatching;
}

export interface UnaryNode extends Span {
  type: "unary";
  op: "-" | "+";
  expr: Expr;
}

/** A parsed, type-checked PromQL expression. */
export type Expr = NumberNode | StringNode | VectorSelectorNode | MatrixSelectorNode | CallNode | AggregateNode | BinaryNode | UnaryNode;

/** The value type an expression evaluates to. */
export function typeOf(e: Expr): ValueType {
  switch (e.type) {
    case "number":
      return "scalar";
    case "string":
      return "string";
    case "vectorSelector":
      return "vector";
    case "matrixSelector":
      return "matrix";
    case "call":
      return e.func === "scalar" || e.func === "time" ? "scalar" : "vector";
    case "aggregate":
      return "vector";
    case "binary":
      return typeOf(e.lhs) === "scalar" && typeOf(e.rhs) === "scalar" ? "scalar" : "vector";
    case "unary":
      return typeOf(e.expr);
  }
}
