/**
 * A built-in's settings are checked before anything starts: required variables present, and every
 * value it will parse valid — with the very schema the component parses its env with at start-up
 * (builtin-env.schema.ts), so validate and the component can never disagree.
 */
import type { z } from "zod";
import { findBuiltin } from "../builtins";
import { BUILTIN_ENV_SCHEMAS } from "../builtin-env.schema";
import { configKeyToEnvName } from "../compile";
import { describeComponent, isRecord, type Rule } from "./rule-context";

/** config keys as the env names they become at run time, with their YAML key. */
function configEnvNames(config: Record<string, unknown>): Map<string, string> {
  return new Map(Object.keys(config).map((k) => [configKeyToEnvName(k), k]));
}

function fixFor(name: string, v: { description: string; default?: string; unit?: string } | undefined): string {
  if (!v) return `set a valid ${name}`;
  const dflt = v.default !== undefined ? ` Default ${v.default}${v.unit ? ` ${v.unit}` : ""}.` : "";
  return `set a valid ${name} — ${v.description}${dflt}`;
}

/** Built-ins: required settings present (env or config), each given value valid for the built-in. */
export const builtinEnvRule: Rule = (ctx) => {
  for (const c of ctx.components) {
    if (c.role === "pipeline" || c.value.command !== undefined || c.value.image !== undefined) continue;
    const builtin = typeof c.value.type === "string" ? findBuiltin(c.value.type) : undefined;
    if (!builtin || builtin.role !== c.role) continue;
    const env = isRecord(c.value.env) ? c.value.env : {};
    const config = isRecord(c.value.config) ? c.value.config : {};
    const fromConfig = configEnvNames(config);
    for (const v of builtin.env) {
      if (!v.required || Object.hasOwn(env, v.name) || fromConfig.has(v.name)) continue;
      ctx.report({
        severity: "error",
        code: "component.builtin-missing-env",
        message: `built-in "${builtin.name}" needs ${v.name} (${v.description})`,
        path: [...c.path, "type"],
        fix: `add env: { ${v.name}: ... } to ${describeComponent(c)}`,
      });
    }
    const schema = (BUILTIN_ENV_SCHEMAS as Record<string, z.ZodObject | undefined>)[builtin.name];
    if (!schema) continue;
    for (const [name, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
      // Explicit env wins over config, as at run time; an empty value means "unset" (the default).
      const where = Object.hasOwn(env, name) ? { value: env[name], path: [...c.path, "env", name] } : fromConfig.has(name) ? { value: config[fromConfig.get(name)!], path: [...c.path, "config", fromConfig.get(name)!] } : undefined;
      if (!where || where.value === null || where.value === undefined || typeof where.value === "object") continue;
      const text = String(where.value);
      if (text === "") continue;
      const r = field.safeParse(text);
      if (r.success) continue;
      ctx.report({
        severity: "error",
        code: "component.builtin-invalid-env",
        message: `${name} ${r.error.issues[0]?.message ?? "is invalid"} for built-in "${builtin.name}", got ${JSON.stringify(text)}`,
        path: where.path,
        fix: fixFor(name, builtin.env.find((e) => e.name === name)),
      });
    }
  }
};
