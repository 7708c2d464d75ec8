/** Diagnostics: what `validate` returns, every problem at once. */
export type Severity = "error" | "warning" | "hint";

/** One problem found by validation, positioned in the YAML source. */
export interface Diagnostic {
  severity: Severity;
  /** Stable machine code, e.g. `graph.cycle`, `id.duplicate` (catalogue in docs/validation.md). */
  code: string;
  message: string;
  /** Dotted path into the document, e.g. `spec.processors[1].inputs[0]`. */
  path: string;
  /** 1-based; 0 only when the document has no position at all (empty file). */
  line: number;
  column: number;
  /** How to fix it, when we can say. */
  fix?: string;
  /** The file the diagnostic is about, when known. */
  file?: string;
}

/** Whether any diagnostic is an error (warnings and hints never block). */
export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}

/** `file:line:col`, the position format editors understand. */
export function formatPosition(d: Diagnostic): string {
  return `${d.file ?? "<input>"}:${d.line}:${d.column}`;
}
