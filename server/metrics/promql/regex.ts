/**
 * Label-matcher regular expressions: Prometheus uses Go's RE2 syntax, fully anchored; this
 * translates the RE2 constructs people write in matchers (leading `(?i)`, `(?P<name>…)`,
 * `[[:alpha:]]`, `\Q…\E`, `\z`, `\pL`) to a JavaScript RegExp, and refuses what it cannot
 * translate with an error rather than matching something else.
 */
import { LiteralError } from "./literals";

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/**
 * Compiles a matcher's RE2 pattern as `^(?:pattern)$`. `.` matches newlines too (Prometheus ≥ 3).
 * Throws a {@link LiteralError} worded `error parsing regexp: …` when the pattern is invalid.
 */
export function compileMatcherRegex(pattern: string): RegExp {
  let source = pattern;
  let flags = "s";
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(source);
  if (leading) {
    for (const f of leading[1]!) {
      if (f === "i") flags += "i";
      else if (f !== "s") throw new LiteralError(`error parsing regexp: flag (?${f}) is not supported here: \`${pattern}\``);
    }
    source = source.slice(leading[0].length);
  }
  source = translate(source, pattern);
  if (/\\[pP]/.test(source)) flags += "u";
  try {
    return new RegExp(`^(?:${source})$`, flags);
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, "");
    throw new LiteralError(`error parsing regexp: ${reason.toLowerCase()}: \`${pattern}\``);
  }
}

function translate(source: string, pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const n = source[i + 1];
      if (n === "Q") {
        const end = source.indexOf("\\E", i + 2);
        const literal = end < 0 ? source.slice(i + 2) : source.slice(i + 2, end);
        out += literal.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
        i = end < 0 ? source.length : end + 1;
        continue;
      }
      if (n === "z" && !inClass) {
        out += "$";
        i++;
        continue;
      }
      if ((n === "p" || n === "P") && source[i + 2] !== "{" && source[i + 2] !== undefined) {
        out += `\\${n}{${source[i + 2]}}`;
        i += 2;
        continue;
      }
      if (n !== undefined && n >= "1" && n <= "9") throw new LiteralError(`error parsing regexp: invalid escape sequence: \`\\${n}\``);
      out += c + (n ?? "");
      i++;
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(source.slice(i));
      if (posix) {
        const cls = POSIX_CLASSES[posix[2]!];
        if (!cls || posix[1]) throw new LiteralError(`error parsing regexp: invalid character class range: \`${posix[0]}\` in \`${pattern}\``);
        out += cls;
        i += posix[0].length - 1;
        continue;
      }
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal in RE2 and an empty class in JavaScript.
      if (source[i + 1] === "^") out += source[++i];
      if (source[i + 1] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(" && source.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
      continue;
    }
    if (c === "(" && source[i + 1] === "?" && (source[i + 2] !== ":" && source[i + 2] !== "<" || /^\(\?<[=!]/.test(source.slice(i)))) {
      throw new LiteralError(`error parsing regexp: invalid or unsupported Perl syntax: \`${source.slice(i, i + 3)}\``);
    }
    out += c;
  }
  return out;
}
