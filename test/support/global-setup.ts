/**
 * Vitest global setup: the compiled output (dist/) matches the sources before any test runs.
 * Tests import TypeScript directly, but spawn `bin/flowctl.mjs` (components, CLI commands), which
 * runs dist/; the bin would also compile stale sources itself, this only does it once, up front,
 * outside every test's time budget. See docs/build.md.
 */
import { ensureDist } from "../../scripts/dist-state.mjs";

export async function setup(): Promise<void> {
  await ensureDist({ log: (msg) => process.stderr.write(`[global-setup] ${msg}\n`) });
}
