import { defineConfig } from "vitest/config";
import path from "node:path";

// Two projects: `unit` (pure logic, parallel) and `integration` (real processes, gRPC, SQLite;
// few at a time because CI has 2 cores and these tests spawn their own processes).
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    // CI keeps a machine-readable report beside the usual output (.ci/run prints its summary).
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/vitest.json" },
    // Compiles server/ into dist/ when the sources changed: spawned `bin/flowctl.mjs` runs dist/.
    globalSetup: ["test/support/global-setup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["server/**/*.test.ts", "bench/**/*.test.ts", "components/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["server/**/*.int.test.ts", "test/**/*.int.test.ts"],
          environment: "node",
          // Runs after the unit project: it may use fewer workers because its tests spawn processes.
          sequence: { groupOrder: 1 },
          pool: "forks",
          maxWorkers: 2,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
