/**
 * PromQL literals as Prometheus reads them: numbers (decimal, hex, octal, Inf/NaN), durations
 * (`1h30m`, units y w d h m s ms) and Go-style quoted strings. Failures throw a
 * {@link LiteralError} whose message is Prometheus's wording; the parser adds the position.
 */

/** A literal that Prometheus would refuse; `message` follows Prometheus's text. */
export class LiteralError extends Error {}

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;
const OCTAL = /^0[0-7]+$/;
const SPECIAL = /^(?:inf|nan)$/i;
const DURATION_UNITS = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];
/** Prometheus keeps durations in int64 nanoseconds. */
const MAX_DURATION_MS = 9_223_372_036_854;

/** True when `text` (no sign) is a duration such as `5m`, which is not a number. */
export function isDurationText(text: string): boolean {
  return /^\d+(?:y|w|d|h|ms|m|s)/.test(text) && !HEX.test(text);
}

/** A number literal without its sign. */
export function parseNumber(text: string): number {
  if (SPECIAL.test(text)) return text.toLowerCase() === "inf" ? Infinity : NaN;
  if (HEX.test(text)) return parseInt(text.slice(2), 16);
  if (OCTAL.test(text)) return parseInt(text.slice(1), 8);
  if (/^0[xX]$/.test(text) || /[eE][+-]?$/.test(text)) throw new LiteralError(`error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`);
  if (!DECIMAL.test(text)) throw new LiteralError(`bad number or duration syntax: ${JSON.stringify(text.replace(/[^0-9].*$/, ""))}`);
  const n = Number(text);
  if (!Number.isFinite(n)) throw new LiteralError(`error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(text)}: value out of range`);
  return n;
}

/** A duration such as `1h30m` in milliseconds; a bare number is refused (Prometheus 2.x). */
export function parseDuration(text: string): number {
  if (/^\d+(?:\.\d+)?$/.test(text)) throw new LiteralError("missing unit character in duration");
  const m = DURATION_UNITS.exec(text);
  if (!m || text === "") {
    if (/^\d+[A-Z]/.test(text)) throw new LiteralError(`bad duration syntax: ${JSON.stringify(text.replace(/\D.*$/, ""))}`);
    throw new LiteralError(`not a valid duration string: ${JSON.stringify(text)}`);
  }
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part) * UNIT_MS[i]!;
  }
  if (ms > MAX_DURATION_MS) throw new LiteralError("duration out of range");
  return ms;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };

/**
 * The value of a quoted string literal (`"…"`, `'…'` or raw `` `…` ``) with Go's escapes
 * (`\n`, `\x41`, `\101`, `\u00e9`, `\U0001F600`, the string's own quote).
 */
export function unquoteString(text: string): string {
  const quote = text[0];
  if (text.length < 2 || text[text.length - 1] !== quote || (quote !== "`" && endsInEscapedQuote(text))) throw new LiteralError("unterminated quoted string");
  const body = text.slice(1, -1);
  if (quote === "`") return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new LiteralError("escape sequence not terminated");
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e === quote) out += e;
    else if (e === "x" || e === "u" || e === "U" || (e >= "0" && e <= "7")) {
      const [len, base] = e === "x" ? [2, 16] : e === "u" ? [4, 16] : e === "U" ? [8, 16] : [3, 8];
      const start = e >= "0" && e <= "7" ? i : i + 1;
      const digits = body.slice(start, start + len);
      const bad = [...digits].find((d) => Number.isNaN(parseInt(d, base)));
      if (bad !== undefined) throw new LiteralError(`illegal character ${codePointName(bad)} in escape sequence`);
      if (digits.length < len) throw new LiteralError("escape sequence not terminated");
      const cp = parseInt(digits, base);
      if ((e !== "x" && cp > 0x10ffff) || (cp >= 0xd800 && cp < 0xe000) || (base === 8 && cp > 255)) throw new LiteralError("escape sequence is an invalid Unicode code point");
      // \x and octal escapes are bytes in Go; a single byte above 0x7f is not valid UTF-8 on its own.
      out += e === "x" || base === 8 ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      i = start + len - 1;
    } else throw new LiteralError(`unknown escape sequence ${codePointName(e)}`);
  }
  return out;
}

function endsInEscapedQuote(text: string): boolean {
  let backslashes = 0;
  for (let i = text.length - 2; i > 0 && text[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** Go's `U+0071 'q'` rendering of a character. */
function codePointName(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} '${c}'`;
}
