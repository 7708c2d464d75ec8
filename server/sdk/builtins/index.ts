/**
 * Built-in components by name (`type: <name>` in YAML, `flowctl component <name>`). Each factory
 * parses its env with zod and throws ComponentConfigError naming the variable. The catalogue of
 * names, roles and env docs is server/core/spec/builtins.ts; a unit test keeps both in step.
 */
import { findBuiltin } from "../../core/spec/builtins";
import type { ComponentDefinition } from "../types";
import { createBlackhole } from "./blackhole";
import { createFileSink } from "./file";
import { createLoadGenerator } from "./load-generator";
import { createPassthrough } from "./passthrough";
import { createPostgresSink } from "./postgres";
import { createStdoutSink } from "./stdout";
import { createTransform } from "./transform";

/** Builds a built-in's definition from env; throws ComponentConfigError naming the variable. */
export type BuiltinFactory = (env: Record<string, string | undefined>) => ComponentDefinition;

/** Every built-in by name (same names and roles as the core catalogue). */
export const BUILTIN_FACTORIES: Readonly<Record<string, BuiltinFactory>> = {
  "load-generator": createLoadGenerator,
  passthrough: createPassthrough,
  transform: createTransform,
  blackhole: createBlackhole,
  file: createFileSink,
  stdout: createStdoutSink,
  postgres: createPostgresSink,
};

/** The factory for `name` (or `flowctl/name`), or undefined. */
export function findBuiltinFactory(name: string): BuiltinFactory | undefined {
  const canonical = findBuiltin(name)?.name ?? name;
  return Object.hasOwn(BUILTIN_FACTORIES, canonical) ? BUILTIN_FACTORIES[canonical] : undefined;
}

export { createBlackhole, createFileSink, createLoadGenerator, createPassthrough, createPostgresSink, createStdoutSink, createTransform };
