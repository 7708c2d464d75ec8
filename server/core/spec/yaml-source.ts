/**
 * YAML text → document + source map. Every diagnostic position comes from here: the `yaml`
 * package's node ranges turned into 1-based line/column through a {@link LineCounter}.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from "yaml";
import type { Diagnostic } from "./diagnostics";

/** A path into the document: map keys and sequence indexes, e.g. `["spec", "sources", 0, "id"]`. */
export type DocPath = readonly (string | number)[];

/** 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** `spec.sources[0].id` — the dotted form used in diagnostics. */
export function formatPath(path: DocPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

/** A parsed YAML document with position lookups. Never throws on bad input. */
export class YamlSource {
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(readonly text: string) {
    this.lines = new LineCounter();
    // prettyErrors off: we format positions ourselves and keep messages to one line.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  /** 1-based position of a character offset; clamps to the text so the line is always ≥ 1. */
  positionAt(offset: number): SourcePosition {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const p = this.lines.linePos(clamped);
    return { line: Math.max(1, p.line), column: Math.max(1, p.col) };
  }

  /** Every YAML syntax error (and warning) as a diagnostic, each with its own position. */
  syntaxDiagnostics(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const [severity, list] of [["error", this.doc.errors], ["warning", this.doc.warnings]] as const) {
      for (const e of list) {
        const pos = this.positionAt(e.pos[0]);
        out.push({
          severity,
          code: e.code === "DUPLICATE_KEY" ? "yaml.duplicate-key" : severity === "error" ? "yaml.syntax" : "yaml.warning",
          message: `YAML: ${firstLine(e.message)}`,
          path: "",
          line: pos.line,
          column: pos.column,
          ...(e.code === "DUPLICATE_KEY" ? { fix: "remove or rename one of the repeated keys" } : {}),
        });
      }
    }
    return out;
  }

  /** The plain JS value of the document (undefined for an empty one); aliases resolved. */
  toJS(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      // Only reachable with alias bombs or broken documents; syntaxDiagnostics already names them
      // when the parser saw them, the rest is reported by the caller as an unreadable document.
      throw new YamlValueError(err instanceof Error ? err.message : String(err));
    }
  }

  /** Node and key node at `path`, following aliases; missing segments stop the walk. */
  lookup(path: DocPath): { node?: Node | null; keyNode?: Node | null; depth: number } {
    let node: unknown = this.doc.contents;
    let keyNode: Node | null | undefined;
    let depth = 0;
    for (const seg of path) {
      node = this.resolve(node);
      if (isMap(node) && typeof seg === "string") {
        const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number" && seg < node.items.length) {
        keyNode = undefined;
        node = node.items[seg];
      } else {
        break;
      }
      depth++;
    }
    const resolved = this.resolve(node);
    return { node: (resolved as Node | null | undefined) ?? null, keyNode, depth };
  }

  /**
   * Best position for `path`: the value node when it exists (the key with `preferKey`), else the
   * nearest existing ancestor — so a missing required field points at its parent mapping.
   */
  positionOf(path: DocPath, opts: { preferKey?: boolean } = {}): SourcePosition {
    const { node, keyNode, depth } = this.lookup(path);
    const complete = depth === path.length;
    const target = complete && opts.preferKey && keyNode ? keyNode : complete ? (node ?? keyNode) : (keyNode ?? node);
    const start = target?.range?.[0];
    if (start !== undefined) return this.positionAt(start);
    // No node at all (an empty document): the start of the file.
    return this.positionAt(this.doc.contents?.range?.[0] ?? 0);
  }

  private resolve(node: unknown): unknown {
    let cur = node;
    for (let i = 0; i < 32 && isAlias(cur); i++) cur = cur.resolve(this.doc);
    return isPair(cur) ? cur.value : cur;
  }
}

/** Raised by {@link YamlSource.toJS} when the document cannot be turned into a value. */
export class YamlValueError extends Error {}

function firstLine(msg: string): string {
  return msg.split("\n")[0]!.trim();
}
