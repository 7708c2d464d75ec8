/**
 * The first syntax error of a query, worded as Prometheus words it. lezer-promql is
 * error-tolerant: it returns a tree with error nodes; the first error node says where parsing
 * failed, {@link lex} says what stands there, and lexical errors that Prometheus's lexer would
 * hit first (unterminated string, stray character, unclosed bracket) take precedence.
 */
import type { SyntaxNode, Tree } from "@lezer/common";
import { isSupportedAggregation, isSupportedFunction } from "./catalogue";
import { describeToken, lex, type LexicalError, type Token } from "./lex";

const GROUPING_KEYWORDS = new Set(["by", "without", "on", "ignoring"]);
const MATCH_OPS = new Set(["=", "!=", "=~", "!~"]);

/** Position (character offset) and Prometheus-worded reason of the first syntax error, if any. */
export function firstSyntaxError(query: string, tree: Tree): LexicalError | undefined {
  const { tokens, error: lexical } = lex(query);
  let errorNode: SyntaxNode | undefined;
  tree.iterate({
    enter(n) {
      if (errorNode) return false;
      if (n.type.isError) {
        errorNode = n.node;
        return false;
      }
      return undefined;
    },
  });
  if (!errorNode) return lexical;
  if (lexical && lexical.pos <= errorNode.from) return lexical;
  const idx = tokens.findIndex((t) => t.from >= errorNode!.from);
  const tok = idx >= 0 ? tokens[idx] : undefined;
  const prev = tokens[(idx >= 0 ? idx : tokens.length) - 1];
  // `foo(…)`: Prometheus parses the whole call before looking the name up.
  if (tok?.text === "(" && prev?.kind === "ident" && !isKnownCallee(prev.text)) {
    return lexical ?? { pos: prev.from, message: `unknown function with name ${JSON.stringify(prev.text)}` };
  }
  if (lexical) return lexical;
  return { pos: tok?.from ?? query.length, message: `unexpected ${describeToken(tok)}${context(tok, prev, tokens[idx - 2], errorNode)}` };
}

function isKnownCallee(name: string): boolean {
  return isSupportedFunction(name) || isSupportedAggregation(name) || GROUPING_KEYWORDS.has(name.toLowerCase());
}

/** The ` in …, expected …` tail Prometheus adds in some grammar states. */
function context(tok: Token | undefined, prev: Token | undefined, prev2: Token | undefined, node: SyntaxNode): string {
  if (prev && prev.kind === "ident" && GROUPING_KEYWORDS.has(prev.text.toLowerCase())) return ' in grouping opts, expected "("';
  if (prev && prev.kind === "ident" && prev.text.toLowerCase() === "offset") return " in offset, expected duration";
  if (tok?.inBraces || (!tok && prev?.inBraces)) {
    if (!tok) return " inside braces";
    if (prev?.text === "{" || prev?.text === ",") return ' in label matching, expected identifier or "}"';
    if (prev?.kind === "op" && MATCH_OPS.has(prev.text)) return " in label matching, expected string";
    if (prev?.kind === "ident" && (prev2?.text === "{" || prev2?.text === ",")) return " in label matching, expected label matching operator";
    if (prev?.kind === "string") return ' in label matching, expected "," or "}"';
  }
  if (!tok && hasAncestor(node, "AggregateExpr")) return " in aggregation";
  return "";
}

function hasAncestor(node: SyntaxNode, name: string): boolean {
  for (let n: SyntaxNode | null = node; n; n = n.parent) if (n.name === name) return true;
  return false;
}
