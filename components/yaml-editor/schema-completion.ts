/**
 * Completion of the YAML panel from the pipeline's JSON Schema (`pipelineJsonSchema()`, the schema
 * `flowctl validate` checks against): which keys fit where the cursor is, and which values for an
 * enum or a built-in `type`. Works on the text line by line (indentation), not on a parse, because
 * the text being typed is usually not valid YAML yet. Pure: the CodeMirror source adapts it.
 */

/** Where the cursor is: the mapping path it types a key (or a value) in. */
export interface CursorContext {
  /** Keys from the root; `*` stands for an item of a sequence. */
  path: string[];
  /** What is being typed: a key of the mapping at `path`, or the value of `key`. */
  kind: "key" | "value";
  /** For values: the key whose value is typed. */
  key?: string;
  /** The partial word typed so far. */
  prefix: string;
  /** Offset where `prefix` starts (the completion replaces from here). */
  from: number;
  /** Keys already present in the mapping (not offered again). */
  siblings: string[];
  /** The `type:` of the sequence item the cursor is in (built-in env names for `env:`). */
  itemType?: string;
}

interface Line {
  start: number;
  text: string;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (const t of text.split("\n")) {
    out.push({ start, text: t });
    start += t.length + 1;
  }
  return out;
}

const KEY_LINE = /^(\s*)(-\s+)?([^\s#:'"][^:#]*?)?\s*:(?:\s|$)/;
const blank = (t: string) => /^\s*(#.*)?$/.test(t);

/** Indent of a line's content (after a `- ` item marker), and whether it starts a sequence item. */
function shape(t: string): { dash: number; content: number; isItem: boolean } {
  const m = /^(\s*)(-\s+)?/.exec(t)!;
  const dash = m[1]!.length;
  return { dash, content: dash + (m[2]?.length ?? 0), isItem: m[2] !== undefined };
}

/** The context at `offset`, or undefined where no completion applies (comments, block scalars' text). */
export function cursorContext(text: string, offset: number): CursorContext | undefined {
  const all = lines(text);
  let row = all.findIndex((l) => offset >= l.start && offset <= l.start + l.text.length);
  if (row < 0) row = all.length - 1;
  const line = all[row]!;
  const before = line.text.slice(0, offset - line.start);
  if (before.includes("#")) return undefined;
  let kind: "key" | "value";
  let key: string | undefined;
  let prefix: string;
  const valueMatch = /^(\s*)(-\s+)?([A-Za-z_][\w.-]*)\s*:\s+([\w.@/-]*)$/.exec(before);
  const keyMatch = /^(\s*)(-\s+)?([\w.-]*)$/.exec(before);
  if (valueMatch) {
    kind = "value";
    key = valueMatch[3]!;
    prefix = valueMatch[4]!;
  } else if (keyMatch) {
    kind = "key";
    prefix = keyMatch[3]!;
  } else return undefined;
  const here = shape(before);
  const path: string[] = [];
  // The mapping the cursor's key belongs to starts at `indent`; climb to its parents.
  let indent = here.content;
  let item: { row: number; indent: number } | undefined;
  if (here.isItem) {
    path.unshift("*");
    item = { row, indent: here.content };
    indent = here.dash;
  }
  for (let r = row - 1; r >= 0 && indent > 0; r--) {
    const t = all[r]!.text;
    if (blank(t)) continue;
    const s = shape(t);
    if (s.isItem && s.content === indent && path[0] !== "*") {
      // A sibling key opened this sequence item: the mapping is that item.
      path.unshift("*");
      item ??= { row: r, indent: s.content };
      indent = s.dash;
      continue;
    }
    if (s.content >= indent) continue;
    const m = KEY_LINE.exec(t);
    if (!m || !m[3]) return undefined; // a parent that is not `key:` (flow style, scalar): no guess
    path.unshift(m[3].trim());
    if (s.isItem) {
      path.unshift("*");
      item ??= { row: r, indent: s.content };
      indent = s.dash;
    } else indent = s.content;
  }
  const ctx: CursorContext = { path, kind, prefix, from: offset - prefix.length, siblings: siblingKeys(all, row, here.content, here.isItem) };
  if (key !== undefined) ctx.key = key;
  const itemType = item ? typeOfItem(all, item.row, item.indent) : undefined;
  if (itemType !== undefined) ctx.itemType = itemType;
  return ctx;
}

const keyOf = (t: string): string | undefined => KEY_LINE.exec(t)?.[3]?.trim() || undefined;

/** Keys written at `indent` in the mapping around `row` (a line starting an item starts the mapping). */
function siblingKeys(all: Line[], row: number, indent: number, startsItem: boolean): string[] {
  const keys: string[] = [];
  for (let r = row - 1; r >= 0 && !startsItem; r--) {
    const t = all[r]!.text;
    if (blank(t)) continue;
    const s = shape(t);
    if (s.content < indent) break;
    if (s.content > indent) continue;
    const k = keyOf(t);
    if (k) keys.push(k);
    if (s.isItem) break;
  }
  for (let r = row + 1; r < all.length; r++) {
    const t = all[r]!.text;
    if (blank(t)) continue;
    const s = shape(t);
    if (s.content < indent) break;
    if (s.content > indent) continue;
    if (s.isItem) break; // the next item of the same sequence
    const k = keyOf(t);
    if (k) keys.push(k);
  }
  return keys;
}

/** `type:` of the sequence item starting at `start` whose keys sit at `indent`, if written. */
function typeOfItem(all: Line[], start: number, indent: number): string | undefined {
  for (let r = start; r < all.length; r++) {
    const t = all[r]!.text;
    if (blank(t)) continue;
    const s = shape(t);
    if (r > start && (s.content < indent || (s.isItem && s.content === indent))) break;
    if (s.content !== indent) continue;
    const m = /^\s*(?:-\s+)?type\s*:\s*([\w.@/-]+)/.exec(t);
    if (m) return m[1];
  }
  return undefined;
}

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** One offer of the completion list. */
export interface SchemaOption {
  label: string;
  detail?: string;
  info?: string;
  /** Inserted text (a key gets `: ` or `:\n` + indent). */
  apply: string;
}

function resolve(root: Json, node: unknown): Json | undefined {
  if (!isJson(node)) return undefined;
  if (typeof node.$ref === "string") {
    const name = node.$ref.replace(/^#\/\$defs\//, "");
    const defs = root.$defs;
    return isJson(defs) ? resolve(root, defs[name]) : undefined;
  }
  return node;
}

/** The schema at `path` (`*` = array items), following `$ref`s and object branches of unions. */
export function schemaAt(root: Json, path: readonly string[]): Json | undefined {
  let cur = resolve(root, root);
  for (const seg of path) {
    if (!cur) return undefined;
    const branches = [cur, ...(Array.isArray(cur.anyOf) ? cur.anyOf : []), ...(Array.isArray(cur.oneOf) ? cur.oneOf : [])].map((b) => resolve(root, b)).filter((b): b is Json => b !== undefined);
    let next: Json | undefined;
    for (const b of branches) {
      if (seg === "*" && b.items !== undefined) next = resolve(root, b.items);
      else if (isJson(b.properties) && b.properties[seg] !== undefined) next = resolve(root, b.properties[seg]);
      else if (seg !== "*" && isJson(b.additionalProperties)) next = resolve(root, b.additionalProperties);
      if (next) break;
    }
    cur = next;
  }
  return cur;
}

/** A built-in's settings, for `env:` of an item of that type. */
export interface EnvHint {
  name: string;
  description: string;
  default?: string;
  unit?: string;
}

/** What to offer at `ctx`: keys of the mapping, or values of an enum / built-in type. */
export function schemaOptions(root: Json, ctx: CursorContext, builtins: { name: string; role: string; description: string; env: readonly EnvHint[] }[]): SchemaOption[] {
  if (ctx.kind === "value") {
    const field = schemaAt(root, [...ctx.path, ctx.key!]);
    if (ctx.key === "type" && ctx.path.includes("*")) {
      const role = ctx.path[ctx.path.length - 2];
      const wanted = role === "sources" ? "source" : role === "processors" ? "processor" : role === "sinks" ? "sink" : undefined;
      return builtins.filter((b) => !wanted || b.role === wanted).map((b) => ({ label: b.name, detail: b.role, info: b.description, apply: b.name }));
    }
    const values = Array.isArray(field?.enum) ? field.enum : field?.const !== undefined ? [field.const] : typeof field?.type === "string" && field.type === "boolean" ? [true, false] : [];
    return values.map((v) => ({ label: String(v), ...(typeof field?.description === "string" ? { info: field.description } : {}), apply: String(v) }));
  }
  const taken = new Set(ctx.siblings);
  if (ctx.path[ctx.path.length - 1] === "env" && ctx.itemType) {
    const b = builtins.find((x) => x.name === ctx.itemType);
    if (b) {
      return b.env
        .filter((e) => !taken.has(e.name))
        .map((e) => ({ label: e.name, detail: [e.default !== undefined ? `default ${e.default}` : "", e.unit ?? ""].filter(Boolean).join(" · "), info: e.description, apply: `${e.name}: ` }));
    }
  }
  const here = schemaAt(root, ctx.path);
  if (!here || !isJson(here.properties)) return [];
  return Object.entries(here.properties)
    .filter(([k]) => !taken.has(k))
    .map(([k, raw]) => {
      const p = resolve(root, raw) ?? {};
      const nested = p.type === "object" || p.type === "array";
      const detail = [typeof p.title === "string" ? p.title : "", typeof p.unit === "string" ? p.unit : "", p.default !== undefined ? `default ${JSON.stringify(p.default)}` : ""].filter(Boolean).join(" · ");
      return { label: k, ...(detail ? { detail } : {}), ...(typeof p.description === "string" ? { info: p.description } : {}), apply: nested ? `${k}:` : `${k}: ` };
    });
}
