/** `-o table|json|yaml` rendering shared by commands that print data. */
import { stringify } from "yaml";
import { z } from "zod";

export const outputFormatSchema = z.enum(["table", "json", "yaml"]);
export type OutputFormat = z.infer<typeof outputFormatSchema>;

/** Renders `data` as JSON/YAML, or calls `table()` for the human format. */
export function render(format: OutputFormat, data: unknown, table: () => string): string {
  if (format === "json") return JSON.stringify(data, null, 2);
  if (format === "yaml") return stringify(data).trimEnd();
  return table();
}

/** Fixed-width columns; widths from the longest cell (ANSI codes not counted). */
export function formatTable(headers: string[], rows: string[][]): string {
  // eslint-disable-next-line no-control-regex -- ANSI colour codes are control characters by definition
  const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => strip(r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(widths[i]! - strip(c).length))).join("  ");
  return [line(headers), ...rows.map(line)].join("\n");
}
