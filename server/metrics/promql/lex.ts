/**
 * A small PromQL tokenizer used only to word syntax errors the way Prometheus does: lezer says
 * where the parse failed, this says what stands there (`unexpected identifier "x"`) and finds the
 * lexical errors Prometheus reports first (unterminated strings, stray characters, unbalanced
 * brackets).
 */
import { isDurationText, LiteralError, parseDuration, parseNumber, unquoteString } from "./literals";

export type TokenKind = "ident" | "number" | "string" | "op" | "punct";

export interface Token {
  kind: TokenKind;
  text: string;
  from: number;
  /** Inside `{…}`. */
  inBraces: boolean;
}

export interface LexicalError {
  pos: number;
  message: string;
}

const OPERATORS = ["==", "!=", ">=", "<=", "=~", "!~", "+", "-", "*", "/", "%", "^", ">", "<", "="];
const CLOSERS: Readonly<Record<string, string>> = { ")": "(", "]": "[", "}": "{" };
const CLOSER_NAMES: Readonly<Record<string, string>> = { ")": "right parenthesis", "]": "right bracket", "}": "right brace" };
const OPENER_NAMES: Readonly<Record<string, string>> = { "(": "unclosed left parenthesis", "[": "unclosed left bracket", "{": "unexpected end of input inside braces" };

/** Tokens of `query` up to the first lexical error, and that error if any. */
export function lex(query: string): { tokens: Token[]; error: LexicalError | undefined } {
  const tokens: Token[] = [];
  const open: string[] = [];
  let i = 0;
  const fail = (pos: number, message: string) => ({ tokens, error: { pos, message } });
  while (i < query.length) {
    const c = query[i]!;
    const inBraces = open[open.length - 1] === "{";
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < query.length && query[i] !== "\n") i++;
      continue;
    }
    const word = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(query.slice(i));
    if (word) {
      tokens.push({ kind: "ident", text: word[0], from: i, inBraces });
      i += word[0].length;
      continue;
    }
    // Numbers and durations (`1e3`, `0x1f`, `.5`, `1h30m`): a digit, or a dot before a digit.
    const num = /^(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:[a-zA-Z_]+\d*)*)/.exec(query.slice(i));
    if (num) {
      const bad = badNumber(num[0], tokens[tokens.length - 1]);
      if (bad) return fail(i, bad);
      tokens.push({ kind: "number", text: num[0], from: i, inBraces });
      i += num[0].length;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      const end = stringEnd(query, i);
      const text = query.slice(i, end);
      try {
        unquoteString(text);
      } catch (err) {
        if (err instanceof LiteralError) return fail(i, err.message);
        throw err;
      }
      tokens.push({ kind: "string", text, from: i, inBraces });
      i = end;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") {
      open.push(c);
      tokens.push({ kind: "punct", text: c, from: i, inBraces });
      i++;
      continue;
    }
    if (c === ")" || c === "]" || c === "}") {
      // Prometheus reports a stray `)` one column further than a stray `]` or `}`.
      if (open[open.length - 1] !== CLOSERS[c]) return fail(c === ")" ? i + 1 : i, `unexpected ${CLOSER_NAMES[c]} '${c}'`);
      open.pop();
      tokens.push({ kind: "punct", text: c, from: i, inBraces: c === "}" });
      i++;
      continue;
    }
    if (c === "," || c === ":" || c === "@") {
      tokens.push({ kind: "punct", text: c, from: i, inBraces });
      i++;
      continue;
    }
    if (c === "!" && query[i + 1] !== "=" && query[i + 1] !== "~") {
      return fail(i, `unexpected character after '!'${inBraces ? " inside braces" : ""}: '${query[i + 1] ?? ""}'`);
    }
    const op = OPERATORS.find((o) => query.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", text: op, from: i, inBraces });
      i += op.length;
      continue;
    }
    return fail(i, `unexpected character: '${c}'`);
  }
  if (tokens.length === 0) return fail(0, "no expression found in input");
  const unclosed = open[open.length - 1];
  return { tokens, error: unclosed ? { pos: query.length, message: OPENER_NAMES[unclosed]! } : undefined };
}

/**
 * Prometheus's lexer reads a duration after `[` or `offset` (and any literal with a unit) and
 * a number elsewhere; a malformed one is an error at its first character.
 */
function badNumber(text: string, prev: Token | undefined): string | undefined {
  const durationContext = prev?.text === "[" || prev?.text === ":" || (prev?.kind === "ident" && prev.text.toLowerCase() === "offset");
  const hasUnit = /^\d+(?:\.\d+)?[a-zA-Z]/.test(text) && !/^0[xX]/.test(text) && !/^[\d.]+[eE][+-]?\d+$/.test(text);
  try {
    if (prev?.text === "[" || (durationContext && hasUnit)) parseDuration(text);
    else if (!durationContext && !isDurationText(text)) parseNumber(text);
    return undefined;
  } catch (err) {
    if (err instanceof LiteralError) return err.message;
    throw err;
  }
}

/** Index just past the string literal starting at `start` (the end of input when unterminated). */
function stringEnd(query: string, start: number): number {
  const quote = query[start];
  for (let i = start + 1; i < query.length; i++) {
    const c = query[i];
    if (quote !== "`" && c === "\\") i++;
    else if (c === quote) return i + 1;
    else if (c === "\n" && quote !== "`") return i;
  }
  return query.length;
}

/** Prometheus's description of a token in `unexpected …` messages. */
export function describeToken(t: Token | undefined): string {
  if (!t) return "end of input";
  switch (t.kind) {
    case "ident":
      return KEYWORDS.has(t.text.toLowerCase()) ? `<${t.text.toLowerCase()}>` : `identifier ${JSON.stringify(t.text)}`;
    case "number":
      return /^\d+(?:y|w|d|h|ms|m|s)/.test(t.text) ? `duration ${JSON.stringify(t.text)}` : `number ${JSON.stringify(t.text)}`;
    case "string":
      return `string ${JSON.stringify(t.text)}`;
    case "op":
      return t.text === "=" ? '"="' : `<op:${t.text}>`;
    case "punct":
      return JSON.stringify(t.text);
  }
}

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless"]);
