/**
 * What every semantic rule sees: the source map, the document as plain JS and the components
 * extracted tolerantly — rules run even when the schema found errors, so the user gets every
 * problem at once; each rule checks the shapes it relies on itself.
 */
import type { DiagnosticCode } from "../diagnostic-codes";
import type { Diagnostic, Severity } from "../diagnostics";
import type { ComponentRole } from "../pipeline-spec.schema";
import { formatPath, type DocPath, type YamlSource } from "../yaml-source";

/** A component as written, with where it lives. `pipeline` = a `spec.pipelines` entry. */
export interface RawComponent {
  role: ComponentRole | "pipeline";
  index: number;
  /** `["spec", "<role>s", index]`. */
  path: DocPath;
  /** The id when it is a non-empty string. */
  id?: string;
  value: Record<string, unknown>;
}

/** What a rule reports; the context turns the path into a position. */
export interface ReportInput {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  path: DocPath;
  /** Point at the key rather than its value (e.g. "remove this key"). */
  atKey?: boolean;
  fix?: string;
}

/** Everything a rule needs, built once per validation. */
export interface RuleContext {
  src: YamlSource;
  raw: Record<string, unknown>;
  /** Sources, processors, sinks (then pipelines), each in YAML order. */
  components: RawComponent[];
  report(d: ReportInput): void;
}

/** A semantic rule: reads the context, reports through it, never throws on odd shapes. */
export type Rule = (ctx: RuleContext) => void;

const ROLE_KEYS = [
  ["sources", "source"],
  ["processors", "processor"],
  ["sinks", "sink"],
  ["pipelines", "pipeline"],
] as const;

/** Plain-object check that excludes arrays and null. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Components from spec.{sources,processors,sinks,pipelines}; non-mapping entries are skipped. */
export function extractComponents(raw: Record<string, unknown>): RawComponent[] {
  const spec = raw.spec;
  if (!isRecord(spec)) return [];
  const out: RawComponent[] = [];
  for (const [key, role] of ROLE_KEYS) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    list.forEach((value: unknown, index) => {
      if (!isRecord(value)) return;
      const id = typeof value.id === "string" && value.id !== "" ? value.id : undefined;
      out.push({ role, index, path: ["spec", key, index], value, ...(id !== undefined ? { id } : {}) });
    });
  }
  return out;
}

/** Builds the context; `sink` receives positioned diagnostics. */
export function createRuleContext(src: YamlSource, raw: Record<string, unknown>, sink: Diagnostic[]): RuleContext {
  return {
    src,
    raw,
    components: extractComponents(raw),
    report(d) {
      const pos = src.positionOf(d.path, { preferKey: d.atKey ?? false });
      sink.push({
        severity: d.severity,
        code: d.code,
        message: d.message,
        path: formatPath(d.path),
        line: pos.line,
        column: pos.column,
        ...(d.fix !== undefined ? { fix: d.fix } : {}),
      });
    },
  };
}

/** `spec.processors[2] ("enrich")` — how rules name a component in messages. */
export function describeComponent(c: RawComponent): string {
  return c.id !== undefined ? `${c.role} "${c.id}"` : `${formatPath(c.path)}`;
}

/** String list at `key`, ignoring non-string entries (the schema reports those). */
export function stringList(value: Record<string, unknown>, key: string): { item: string; index: number }[] {
  const list = value[key];
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown, index) => (typeof item === "string" ? [{ item, index }] : []));
}
