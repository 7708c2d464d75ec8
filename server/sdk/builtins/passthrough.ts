/**
 * `passthrough` processor: forwards each event unchanged, one at a time and in order, after
 * WORK_MICROS of busy CPU and/or DELAY_MS of asynchronous waiting — to reproduce CPU-bound and
 * I/O-bound stages. Scale it with replicas, not hidden concurrency.
 */
import { passthroughEnvSchema } from "../../core/spec/builtin-env.schema";
import { parseComponentEnv } from "../config";
import { defineProcessor } from "../define";
import type { ProcessorDefinition } from "../types";

const envSchema = passthroughEnvSchema;

/** Spins the CPU for `micros` microseconds (the point is to burn CPU, like real work). */
export function burnCpu(micros: number): number {
  const end = performance.now() + micros / 1000;
  let spins = 0;
  while (performance.now() < end) spins++;
  return spins;
}

/** The `passthrough` processor from its env (WORK_MICROS, DELAY_MS). */
export function createPassthrough(env: Record<string, string | undefined>): ProcessorDefinition {
  const cfg = parseComponentEnv(envSchema, env, "passthrough");
  const { WORK_MICROS: work, DELAY_MS: delay } = cfg;
  if (work === 0 && delay === 0) {
    // Never reads an event: each goes back out as the bytes it came in as (no decode, no re-encode).
    return defineProcessor({ name: "passthrough", description: "Forwards events unchanged", lazyDecode: true, process: (e) => e });
  }
  return defineProcessor({
    name: "passthrough",
    description: `Forwards events after ${work} µs CPU and ${delay} ms wait each`,
    lazyDecode: true,
    process: async (e) => {
      if (work > 0) burnCpu(work);
      // A plain timer, not ctx.sleep: this wait is the stage's work and must count as busy time.
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      return e;
    },
  });
}

/** The factory `flowctl component passthrough` runs (each built-in module's default export). */
export default createPassthrough;
