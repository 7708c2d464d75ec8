/**
 * Runs a built-in as this process: env → definition (exit 2 naming the variable when it is bad) →
 * runComponent. Shared by `flowctl component <name>` and the per-built-in entries the build bundles
 * (dist/components/<name>.js), which the engine starts so a component loads only the SDK and itself.
 */
import { ComponentConfigError } from "../config";
import { runComponent } from "../run-component";
import type { BuiltinFactory } from "./index";

/** Builds the definition from `env` and runs it; on a bad env prints `Error: …` and sets exit code 2. */
export async function runBuiltin(factory: BuiltinFactory, env: Record<string, string | undefined> = process.env): Promise<void> {
  let def;
  try {
    def = factory(env);
  } catch (err) {
    if (!(err instanceof ComponentConfigError)) throw err;
    process.stderr.write(`Error: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  await runComponent(def);
}
