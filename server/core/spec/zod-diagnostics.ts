/**
 * zod issues → diagnostics positioned on the offending YAML node. The schema says *what* is
 * wrong; this file picks the stable code, a sentence a user understands and a fix.
 */
import type { z } from "zod";
import type { DiagnosticCode } from "./diagnostic-codes";
import type { Diagnostic } from "./diagnostics";
import { closestMatch } from "./suggest";
import { formatPath, type DocPath, type YamlSource } from "./yaml-source";

type Issue = z.core.$ZodIssue;

const ROLE_LISTS = new Set(["sources", "processors", "sinks", "pipelines"]);

/** Reads `path` out of a plain value; undefined as soon as a segment is missing. */
export function valueAt(root: unknown, path: DocPath): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** How a YAML value reads in a message: `a list`, `the number 3`, `"abc"`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null (an empty value)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? v.slice(0, 57) + "..." : v);
  return `the ${typeof v} ${String(v)}`;
}

const EXPECTED: Record<string, string> = {
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
};

/** Component-relative field name when `path` is inside spec.<role>[i], e.g. `restart_policy`. */
function componentField(path: DocPath): string | undefined {
  return path[0] === "spec" && typeof path[1] === "string" && ROLE_LISTS.has(path[1]) && typeof path[2] === "number" && path.length > 3
    ? path.slice(3).join(".")
    : undefined;
}

// zod reports a missing literal as invalid_value and a missing object as invalid_type: the
// value being absent is what makes it "missing", whatever the issue code.
function isMissing(issue: Issue, raw: unknown): boolean {
  return issue.code !== "unrecognized_keys" && valueAt(raw, issue.path as DocPath) === undefined;
}

interface Mapped {
  code: DiagnosticCode;
  message: string;
  fix?: string;
  /** Where to point instead of the issue's path (the mistyped key of a missing field). */
  at?: DocPath;
}

function mapIssue(issue: Issue, raw: unknown): Mapped {
  const path = issue.path as DocPath;
  const p = formatPath(path);
  const value = valueAt(raw, path);
  const missing = isMissing(issue, raw);
  const last = path[path.length - 1];
  const field = componentField(path);

  if (p === "apiVersion")
    return missing
      ? { code: "api-version.missing", message: "apiVersion is required", fix: "add `apiVersion: flowctl/v1` at the top" }
      : { code: "api-version.invalid", message: `apiVersion must be "flowctl/v1", got ${describeValue(value)}`, fix: "set `apiVersion: flowctl/v1`" };
  if (p === "kind")
    return missing
      ? { code: "kind.missing", message: "kind is required", fix: "add `kind: Pipeline`" }
      : { code: "kind.invalid", message: `kind must be 'Pipeline', got ${describeValue(value)}`, fix: "set `kind: Pipeline`" };
  if ((p === "metadata" || p === "metadata.name") && missing)
    return { code: "metadata.name-missing", message: "metadata.name is required", fix: "add `metadata:\\n  name: my-pipeline`" };
  if (p === "spec" && missing)
    return { code: "spec.missing", message: "spec is required (sources, processors, sinks)", fix: "add a `spec:` mapping with `sources` and `sinks`" };
  if (field === "id" && missing)
    return { code: "id.missing", message: `${formatPath(path.slice(0, 3))} has no id`, fix: "add `id: <name>` (lowercase letters, digits and '-')" };
  if (p === "spec.driver")
    return { code: "driver.invalid", message: `spec.driver must be one of ${enumValues(issue)}, got ${describeValue(value)}`, fix: "use `driver: process`" };
  if (last === "restart_policy") {
    const s = typeof value === "string" ? closestMatch(value, valuesOf(issue)) : undefined;
    return {
      code: "restart-policy.invalid",
      message: `${p} must be one of ${enumValues(issue)}, got ${describeValue(value)}`,
      fix: s ? `use "${s}"` : `use one of ${enumValues(issue)} (quote "no": YAML reads a bare no as false)`,
    };
  }
  if ((last === "containerPort" || last === "hostPort" || last === "health_port") && !missing)
    return { code: "port.out-of-range", message: `${p} must be an integer port between 1 and 65535, got ${describeValue(value)}`, fix: "use a port between 1 and 65535" };
  if ((last === "cpu" || last === "memory") && path[path.length - 3] === "resources")
    return {
      code: "resources.invalid-quantity",
      message: `${p} is not a valid ${last} quantity: ${describeValue(value)}`,
      fix: last === "cpu" ? "write CPU as cores or millicores, e.g. 500m, 0.5 or 2" : "write memory with a unit, e.g. 256Mi, 1Gi or 512M",
    };
  if ((last === "command" || last === "args") && typeof value === "string")
    return { code: "schema.type", message: `${p} must be a list of strings, got a string`, fix: `write it as a list: ${last}: [${value.trim().split(/\s+/).map((a) => JSON.stringify(a)).join(", ")}]` };
  return mapGeneric(issue, p, value, missing);
}

function mapGeneric(issue: Issue, p: string, value: unknown, missing: boolean): Mapped {
  const where = p === "" ? "the document" : p;
  if (missing) return { code: "schema.required", message: `${where} is required`, fix: `add ${p.split(".").pop()}` };
  switch (issue.code) {
    case "invalid_type":
      return { code: "schema.type", message: `${where} must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(value)}` };
    case "invalid_value": {
      const s = typeof value === "string" ? closestMatch(value, valuesOf(issue)) : undefined;
      return { code: "schema.enum", message: `${where} must be one of ${enumValues(issue)}, got ${describeValue(value)}`, ...(s ? { fix: `use "${s}"` } : {}) };
    }
    case "too_small":
      return {
        code: "schema.range",
        message:
          issue.origin === "array" || issue.origin === "string"
            ? `${where} must have at least ${String(issue.minimum)} ${issue.origin === "array" ? "item(s)" : "character(s)"}`
            : `${where} must be ≥ ${String(issue.minimum)}, got ${describeValue(value)}`,
      };
    case "too_big":
      return { code: "schema.range", message: `${where} must be ≤ ${String(issue.maximum)}, got ${describeValue(value)}` };
    case "invalid_union":
      return { code: "schema.type", message: `${where} has an unsupported value ${describeValue(value)}${unionHint(issue)}` };
    case "invalid_format":
      return { code: "schema.format", message: `${where} has an invalid format: ${describeValue(value)}` };
    default:
      return { code: "schema.invalid", message: `${where}: ${issue.message}` };
  }
}

function unionHint(issue: z.core.$ZodIssueInvalidUnion): string {
  const expected = issue.errors.flatMap((branch) => branch.filter((i) => i.code === "invalid_type").map((i) => EXPECTED[i.expected] ?? i.expected));
  return expected.length > 0 ? ` (expected ${[...new Set(expected)].join(" or ")})` : "";
}

function valuesOf(issue: Issue): string[] {
  return issue.code === "invalid_value" ? issue.values.map(String) : [];
}

function enumValues(issue: Issue): string {
  const v = valuesOf(issue);
  return v.length > 0 ? v.map((x) => JSON.stringify(x)).join(", ") : "the allowed values";
}

/** A missing field next to a near-miss key (`metdata`, `comand`) is a typo: say which key to rename. */
function withTypoFix(m: Mapped, path: DocPath, raw: unknown): Mapped {
  const name = path[path.length - 1];
  if (typeof name !== "string" || valueAt(raw, path) !== undefined) return m;
  const parent = path.length === 1 ? raw : valueAt(raw, path.slice(0, -1));
  if (parent === null || typeof parent !== "object" || Array.isArray(parent)) return m;
  const typo = Object.keys(parent).find((k) => k !== name && closestMatch(k, [name]) === name);
  return typo === undefined ? m : { ...m, fix: `rename "${typo}" to "${name}"`, at: [...path.slice(0, -1), typo] };
}

/** One diagnostic per zod issue, positioned on the node (or nearest ancestor) it concerns. */
export function zodDiagnostics(issues: readonly Issue[], raw: unknown, src: YamlSource): Diagnostic[] {
  return issues.map((issue) => {
    const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
    const m = withTypoFix(mapIssue({ ...issue, path } as Issue, raw), path, raw);
    const pos = m.at ? src.positionOf(m.at, { preferKey: true }) : src.positionOf(path);
    return { severity: "error", code: m.code, message: m.message, path: formatPath(path), line: pos.line, column: pos.column, ...(m.fix !== undefined ? { fix: m.fix } : {}) };
  });
}
