/** Human rendering of validation diagnostics, in the flowctl style (shared by validate and run). */
import pc from "picocolors";
import { formatPosition, type Diagnostic } from "../core/spec/index";

const LABEL = { error: "ERROR", warning: "WARNING", hint: "HINT" } as const;

/** One block per diagnostic: `file:line:col`, severity + message, the field, and `Fix:`. */
export function formatDiagnostics(diags: readonly Diagnostic[], opts: { color?: boolean } = {}): string {
  const color = opts.color ?? pc.isColorSupported;
  const paint = (fn: (s: string) => string, s: string) => (color ? fn(s) : s);
  const severityColor = { error: pc.red, warning: pc.yellow, hint: pc.cyan } as const;
  return diags
    .map((d) => {
      const lines = [
        paint(pc.bold, formatPosition(d)),
        `  ${paint(severityColor[d.severity], LABEL[d.severity])} [${d.code}] ${d.message}`,
      ];
      if (d.path) lines.push(`  Field: ${d.path}`);
      if (d.fix) lines.push(`  Fix: ${d.fix}`);
      return lines.join("\n");
    })
    .join("\n\n");
}

/** `2 errors, 1 warning, 0 hints`. */
export function summarizeDiagnostics(diags: readonly Diagnostic[]): string {
  const count = (s: Diagnostic["severity"]) => diags.filter((d) => d.severity === s).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [plural(count("error"), "error"), plural(count("warning"), "warning"), plural(count("hint"), "hint")].join(", ");
}
