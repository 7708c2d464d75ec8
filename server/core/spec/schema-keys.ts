/**
 * Unknown-key detection driven by the zod schema itself: the keys allowed at each path are read
 * from the object shapes (through optional/default/pipe wrappers), never from a hand-kept list,
 * so a field added to the schema is accepted everywhere at once.
 */
import { isMap, isScalar, isSeq, type Node } from "yaml";
import type { z } from "zod";
import type { Diagnostic } from "./diagnostics";
import { closestMatch } from "./suggest";
import { formatPath, type DocPath, type YamlSource } from "./yaml-source";

interface ZodDefLike {
  type: string;
  shape?: Record<string, ZodLike>;
  element?: ZodLike;
  valueType?: ZodLike;
  innerType?: ZodLike;
  in?: ZodLike;
  getter?: () => ZodLike;
}
interface ZodLike {
  _zod: { def: ZodDefLike };
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

/** Strips wrappers that do not change which keys an object accepts. */
function unwrap(schema: ZodLike): ZodLike {
  let cur = schema;
  for (let i = 0; i < 16; i++) {
    const def = cur._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) cur = def.innerType;
    else if (def.type === "pipe" && def.in) cur = def.in;
    else if (def.type === "lazy" && def.getter) cur = def.getter();
    else break;
  }
  return cur;
}

/** The keys an object schema accepts, or undefined when `schema` is not an object. */
export function objectKeys(schema: z.ZodType): string[] | undefined {
  const def = unwrap(schema as unknown as ZodLike)._zod.def;
  return def.type === "object" && def.shape ? Object.keys(def.shape) : undefined;
}

/** The schema found by following `path` (keys of objects/records, indexes of arrays). */
export function schemaAt(schema: z.ZodType, path: DocPath): z.ZodType | undefined {
  let cur: ZodLike | undefined = schema as unknown as ZodLike;
  for (const seg of path) {
    if (!cur) return undefined;
    const def: ZodDefLike = unwrap(cur)._zod.def;
    if (def.type === "object") cur = typeof seg === "string" && def.shape && Object.hasOwn(def.shape, seg) ? def.shape[seg] : undefined;
    else if (def.type === "record") cur = def.valueType;
    else if (def.type === "array") cur = typeof seg === "number" ? def.element : undefined;
    else return undefined;
  }
  return cur as unknown as z.ZodType | undefined;
}

/** Warnings for every mapping key the schema does not know, with a "did you mean" when close. */
export function unknownKeyDiagnostics(src: YamlSource, schema: z.ZodType): Diagnostic[] {
  const out: Diagnostic[] = [];
  walk(src, src.doc.contents as Node | null, schema as unknown as ZodLike, [], out);
  return out;
}

function walk(src: YamlSource, node: Node | null | undefined, schema: ZodLike, path: (string | number)[], out: Diagnostic[]): void {
  if (!node) return;
  const def = unwrap(schema)._zod.def;
  if (def.type === "object" && isMap(node)) {
    const shape = def.shape ?? {};
    const allowed = Object.keys(shape);
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      // hasOwn: keys like "__proto__" or "constructor" must not resolve to Object.prototype members.
      const child = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (child) {
        walk(src, pair.value as Node | null, child, [...path, key], out);
        continue;
      }
      const suggestion = closestMatch(key, allowed);
      const where = path.length === 0 ? "at the top level" : `in ${formatPath(path)}`;
      const pos = src.positionAt(pair.key.range?.[0] ?? 0);
      out.push({
        severity: "warning",
        code: "key.unknown",
        message: `unknown key "${key}" ${where}${suggestion ? `; did you mean "${suggestion}"?` : ""} (it is ignored)`,
        path: formatPath([...path, key]),
        line: pos.line,
        column: pos.column,
        fix: suggestion ? `rename "${key}" to "${suggestion}"` : `remove "${key}"; allowed keys here: ${allowed.join(", ")}`,
      });
    }
  } else if (def.type === "record" && def.valueType && isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key)) walk(src, pair.value as Node | null, def.valueType, [...path, String(pair.key.value)], out);
    }
  } else if (def.type === "array" && def.element && isSeq(node)) {
    node.items.forEach((item, i) => walk(src, item as Node | null, def.element!, [...path, i], out));
  }
}
