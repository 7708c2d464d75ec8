/**
 * Built-in factories loaded on demand: `flowctl component <name>` imports only the built-in it
 * runs (the transform's JSONata and the postgres sink's driver stay unloaded elsewhere). Each
 * built-in is the default export of ./<name>.ts — the build bundles dist/components/<name>.js from
 * that file. Same names as BUILTIN_FACTORIES in index.ts (which imports them all, for tests and
 * validation); a unit test keeps both in step.
 */
import { findBuiltin } from "../../core/spec/builtins";
import type { BuiltinFactory } from "./index";

export const BUILTIN_LOADERS: Readonly<Record<string, () => Promise<BuiltinFactory>>> = {
  "load-generator": async () => (await import("./load-generator")).default,
  passthrough: async () => (await import("./passthrough")).default,
  transform: async () => (await import("./transform")).default,
  blackhole: async () => (await import("./blackhole")).default,
  file: async () => (await import("./file")).default,
  stdout: async () => (await import("./stdout")).default,
  postgres: async () => (await import("./postgres")).default,
};

/** The factory for `name` (or `flowctl/name`), loading only its module; undefined if unknown. */
export async function loadBuiltinFactory(name: string): Promise<BuiltinFactory | undefined> {
  const canonical = findBuiltin(name)?.name ?? name;
  return Object.hasOwn(BUILTIN_LOADERS, canonical) ? BUILTIN_LOADERS[canonical]!() : undefined;
}
