/**
 * Text typed in an inspector input ↔ the value written into the YAML. Numbers and booleans are
 * written as such when the text is one (so the file reads `replicas: 3`, not `"3"`); anything else
 * is written as typed and the inline check says what is wrong — the user's input is never dropped.
 */

/** Input kinds of the inspector (the core's field kinds plus env kinds). */
export type InputKind = "string" | "integer" | "number" | "boolean" | "enum" | "quantity" | "string-list";

/** What to do with the typed text: remove the key, or write a value. */
export type FieldWrite = { unset: true } | { unset: false; value: string | number | boolean | string[] };

const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The YAML value for `text` typed in an input of `kind` (empty text: unset). */
export function parseFieldText(kind: InputKind, text: string): FieldWrite {
  const t = text.trim();
  if (t === "") return { unset: true };
  switch (kind) {
    case "integer":
    case "number":
      return { unset: false, value: NUMBER.test(t) ? Number(t) : text };
    case "boolean":
      return { unset: false, value: t === "true" ? true : t === "false" ? false : text };
    case "string-list":
      return { unset: false, value: t.split(",").map((s) => s.trim()).filter(Boolean) };
    case "quantity":
      // A bare number of cores is a number in the file (`cpu: 2`), a suffixed one a string (`500m`).
      return { unset: false, value: NUMBER.test(t) ? Number(t) : t };
    default:
      return { unset: false, value: text };
  }
}

/** The text an input shows for a stored value. */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(String).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Whether typed `text` already stands for `value` (then a stored change does not replace what is typed). */
export function sameValue(kind: InputKind, text: string, value: unknown): boolean {
  const w = parseFieldText(kind, text);
  if (w.unset) return value === undefined || value === null || value === "";
  if (Array.isArray(w.value)) return Array.isArray(value) && w.value.join("\u0000") === value.map(String).join("\u0000");
  return w.value === value || (typeof value !== "object" && String(value) === String(w.value) && typeof w.value === typeof value);
}
