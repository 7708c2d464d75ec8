/**
 * Queries run against the fixture series (fixture-series.ts) both by our engine and by a real
 * Prometheus; the answers must agree. Also the parse errors whose wording must match Prometheus's
 * exactly, and what this engine refuses although Prometheus accepts it.
 */
import { FIXTURE_DURATION_MS, T0 } from "./fixture-series";

const s = (ms: number) => String((T0 + ms) / 1000);

/** Evaluation times: early, mid-run, just after a counter reset, after `sink` stopped, after the end (inside and beyond lookback). */
export const INSTANT_TIMES = [s(90_000), s(600_000), s(725_000), s(1_530_000), s(FIXTURE_DURATION_MS + 240_000), s(FIXTURE_DURATION_MS + 400_000)];

const C = "component_events_processed_total";
const Q = "component_queue_depth";
const H = "component_processing_duration_seconds_bucket";
const D = "flowctl_edge_queue_depth";
const CAP = "flowctl_edge_queue_capacity";

/** Every operator and function the engine supports, evaluated at each of {@link INSTANT_TIMES}. */
export const INSTANT_QUERIES = [
  // selectors and matchers
  C,
  `${C}{component_id="work"}`,
  `${C}{component_id!="work"}`,
  `${C}{component_id=~"s.*"}`,
  `${C}{component_id!~"s.*",job="flowctl-component"}`,
  `{__name__=~"flowctl_edge_.*"}`,
  `{__name__=~"${Q}|${D}",pipeline="orders"}`,
  `${C} offset 2m`,
  `${C} offset -1m`,
  `${C}[1m]`,
  `${Q}[45s] offset 30s`,
  // range functions
  `rate(${C}[1m])`,
  `rate(${C}[5m])`,
  `rate(${C}[35s] offset 1m)`,
  `irate(${C}[1m])`,
  `increase(${C}[2m])`,
  `avg_over_time(${Q}[2m])`,
  `min_over_time(${Q}[3m])`,
  `max_over_time(${Q}[3m])`,
  `sum_over_time(${Q}[90s])`,
  `count_over_time(${Q}[2m])`,
  `last_over_time(${Q}[1m])`,
  // aggregations
  `sum(rate(${C}[1m]))`,
  `sum by (component_id) (rate(${C}[1m]))`,
  `sum without (job) (rate(${C}[1m]))`,
  `avg by (pipeline) (${Q})`,
  `max(${Q})`,
  `min by (pipeline) (${Q})`,
  `count(${Q})`,
  `count by (le) (${H})`,
  `topk(2, ${Q})`,
  `bottomk(1, rate(${C}[1m]))`,
  `topk by (pipeline) (1, ${Q})`,
  `histogram_quantile(0.5, sum by (le) (rate(${H}[1m])))`,
  `histogram_quantile(0.99, rate(${H}[2m]))`,
  `histogram_quantile(0.9, sum by (component_id, le) (rate(${H}[5m])))`,
  // vector–scalar arithmetic and comparison
  `${Q} * 2`,
  `2 * ${Q}`,
  `${Q} / 0`,
  `100 - ${Q}`,
  `${Q} % 7`,
  `${Q} ^ 0.5`,
  `${Q} > 500`,
  `500 < ${Q}`,
  `${Q} >= bool 500`,
  `${Q} != 891`,
  // vector–vector
  `${D} / ${CAP}`,
  `${D} / on(from, to) ${CAP}`,
  `${D} / ignoring(pipeline) ${CAP}`,
  `${D} > ${CAP} * 0.5`,
  `${D} > bool on(from, to) ${CAP} * 0.9`,
  `${Q} + on(component_id) rate(${C}[1m])`,
  `${Q} - ignoring(job) ${Q}`,
  // unary, parentheses, scalars, strings
  `-${Q}`,
  `-(${Q})`,
  `+${Q}`,
  "(1 + 2) * 3",
  "-2 ^ 2",
  "2 ^ 3 ^ 2",
  "1 > bool 2",
  "10 % 3",
  "0x10 + 010",
  "-Inf * 0",
  "NaN",
  '"a string"',
  // instant-vector functions
  `abs(-${Q})`,
  `clamp_min(${Q}, 300)`,
  `clamp_max(${Q}, 700)`,
  `scalar(sum(${Q}))`,
  `scalar(${Q})`,
  "vector(1)",
  "time()",
  `${Q} * scalar(count(${Q}))`,
  `sum(rate(${C}[1m])) / sum(rate(${C}[1m] offset 1m))`,
];

export interface RangeCase {
  query: string;
  start: string;
  end: string;
  step: string;
}

/** Range queries spanning the whole fixture (and a little after). */
export const RANGE_QUERIES: RangeCase[] = [
  { query: `sum by (component_id) (rate(${C}[1m]))`, start: s(0), end: s(FIXTURE_DURATION_MS + 600_000), step: "15s" },
  { query: `histogram_quantile(0.95, sum by (le, component_id) (rate(${H}[1m])))`, start: s(0), end: s(FIXTURE_DURATION_MS), step: "1m" },
  { query: Q, start: s(0), end: s(FIXTURE_DURATION_MS + 420_000), step: "7" },
  { query: `${D} / on(from, to) ${CAP}`, start: s(30_000), end: s(FIXTURE_DURATION_MS), step: "30s" },
  { query: "1 + 1", start: s(0), end: s(600_000), step: "5m" },
  { query: "time()", start: s(0), end: s(600_000), step: "150" },
  { query: `increase(${C}{component_id="work"}[2m])`, start: s(600_000), end: s(900_000), step: "10s" },
  { query: `avg_over_time(${Q}[1m])`, start: s(0), end: s(FIXTURE_DURATION_MS), step: "20s" },
  { query: `topk(1, ${Q})`, start: s(0), end: s(FIXTURE_DURATION_MS), step: "1m" },
  { query: `${Q} > 600`, start: s(0), end: s(FIXTURE_DURATION_MS), step: "30s" },
  { query: `irate(${C}[30s]) - rate(${C}[30s])`, start: s(0), end: s(FIXTURE_DURATION_MS), step: "45s" },
];

/** Queries whose evaluation fails in Prometheus, with its `execution` error (422). */
export const EXECUTION_ERRORS: Array<{ query: string; time: string }> = [
  { query: 'rate({__name__=~"dup_.*"}[1m])', time: s(120_000) },
  { query: `${Q} / ignoring(component_id) ${Q}`, time: s(600_000) },
  { query: `${Q} / on(pipeline) ${CAP}`, time: s(600_000) },
  { query: '{__name__=~"dup_.*"} * 2', time: s(120_000) },
];

/** Parse errors, worded and positioned exactly as Prometheus 2.42 words them. */
export const PARSE_ERRORS: Array<[query: string, message: string]> = [
  ["", "1:1: parse error: no expression found in input"],
  ["1+", "1:3: parse error: unexpected end of input"],
  ["foo(x)", '1:1: parse error: unknown function with name "foo"'],
  ["sum(", "1:5: parse error: unclosed left parenthesis"],
  ['x{a="b}', "1:5: parse error: unterminated quoted string"],
  ["rate(x)", '1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
  ["1 > 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"],
  ["x + on(a) 1", "1:1: parse error: vector matching only allowed between instant vectors"],
  ['{a=""}', "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ["x[5]", "1:3: parse error: missing unit character in duration"],
  ["1h", '1:1: parse error: unexpected duration "1h"'],
  ["sum(x[5m])", "1:5: parse error: expected type instant vector in aggregation expression, got range vector"],
  ["topk(x, x)", "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"],
  ['x{a="b"', "1:8: parse error: unexpected end of input inside braces"],
  ['"a" + 1', "1:1: parse error: binary expression must contain only scalar and instant vector types"],
  ['-"a"', '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string"'],
  ["x offset 5m offset 1m", "1:1: parse error: offset may not be set multiple times"],
  ["1 + bool 2", "1:3: parse error: bool modifier can only be used on comparison operators"],
  ["histogram_quantile(x, y)", '1:20: parse error: expected type scalar in call to function "histogram_quantile", got instant vector'],
  ["abs(x, y)", '1:1: parse error: expected 1 argument(s) in call to "abs", got 2'],
  ["2.5.", "1:4: parse error: unexpected character: '.'"],
  ['x{__name__="y"}', '1:1: parse error: metric name must not be set twice: "x" or "y"'],
  ["sum by (a) ", "1:12: parse error: unexpected end of input in aggregation"],
  ["x x", '1:3: parse error: unexpected identifier "x"'],
  ['x "a"', '1:3: parse error: unexpected string "\\"a\\""'],
  ["sum by x", '1:8: parse error: unexpected identifier "x" in grouping opts, expected "("'],
  ["x{a}", '1:4: parse error: unexpected "}" in label matching, expected label matching operator'],
  ["x{a=}", '1:5: parse error: unexpected "}" in label matching, expected string'],
  [")", "1:2: parse error: unexpected right parenthesis ')'"],
  ["x[5m]]", "1:6: parse error: unexpected right bracket ']'"],
  ["sum(x, y)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2"],
  ["x offset 1m [5m]", "1:13: parse error: no offset modifiers allowed before range"],
  ["(x)[5m]", "1:4: parse error: ranges only allowed for vector selectors"],
  ["rate(x[0s])", "1:8: parse error: duration must be greater than 0"],
  ["x offset 1.5m", '1:10: parse error: not a valid duration string: "1.5m"'],
  ["-x[5m]", '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"'],
  ['x{a="\\q"}', "1:5: parse error: unknown escape sequence U+0071 'q'"],
  ["time(1)", '1:1: parse error: expected 0 argument(s) in call to "time", got 1'],
  ["sum()", "1:1: parse error: no arguments for aggregate expression provided"],
  ["x offset", "1:9: parse error: unexpected end of input in offset, expected duration"],
  ["x offset 5", '1:10: parse error: unexpected number "5" in offset, expected duration'],
  ["ignoring", "1:1: parse error: unexpected <ignoring>"],
  ["x * * y", "1:5: parse error: unexpected <op:*>"],
  ['x{a="b" c="d"}', '1:9: parse error: unexpected identifier "c" in label matching, expected "," or "}"'],
  ['x{a!"b"}', "1:4: parse error: unexpected character after '!' inside braces: '\"'"],
  ["1_000", '1:1: parse error: bad number or duration syntax: "1"'],
  ["1e400", '1:1: parse error: error parsing number: strconv.ParseFloat: parsing "1e400": value out of range'],
  ["x[1000000y]", "1:3: parse error: duration out of range"],
  ['"\\400"', "1:1: parse error: escape sequence is an invalid Unicode code point"],
];

/** Accepted by Prometheus, refused here (answered as bad_data naming the construct). */
export const UNSUPPORTED: Array<[query: string, construct: RegExp]> = [
  ['label_replace(x, "a", "$1", "b", "(.*)")', /function "label_replace" is not supported/],
  ["x and y", /"and" operator is not supported/],
  ["rate(x[5m:1m])", /subqueries are not supported/],
  ["x @ 100", /@ modifier is not supported/],
  ["quantile(0.5, x)", /aggregation "quantile" is not supported/],
  ["x * on(a) group_left y", /group_left \(many-to-one matching\) is not supported/],
  ["x atan2 y", /"atan2" operator is not supported/],
  ["x[1m+1m]", /duration expressions are not supported/],
];
