// Lint rules whose job is architecture: import boundaries between server/ layers (docs/ARCHITECTURE.md, "Layout and import rules").
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const NODE_BUILTINS = ["node:*", "fs", "fs/promises", "child_process", "net", "http", "http2", "os", "path", "worker_threads", "crypto", "stream", "url", "dns", "tls"];
const IO_LIBS = ["@grpc/*", "@prisma/*", "@libsql/*", "pg", "prom-client", "react", "react-dom", "next", "next/*", "@xyflow/*", "recharts"];

/** no-restricted-imports config forbidding the given module patterns with a reason. */
const PRISMA = ["@prisma/*", "**/storage/generated/**", "@libsql/*"];
const PRISMA_MESSAGE = "Only server/storage repositories import the Prisma client (docs/ARCHITECTURE.md).";
const forbid = (patterns, message) => ({
  "no-restricted-imports": [
    "error",
    { patterns: [{ group: PRISMA, message: PRISMA_MESSAGE }, ...patterns.map((group) => ({ group: [group], message }))] },
  ],
});

export default tseslint.config(
  { ignores: ["node_modules/**", ".next/**", "dist/**", "**/.flowctl/**", "server/storage/generated/**", "bench/results/**", "coverage/**", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-empty": ["error", { allowEmptyCatch: false }],
      // TypeScript checks undefined names; the rule misfires on Node globals in .mjs scripts.
      "no-undef": "off",
    },
  },
  {
    files: ["server/**/*.ts", "bench/**/*.ts", "e2e/**/*.ts"],
    ignores: ["server/storage/**"],
    rules: forbid([], PRISMA_MESSAGE),
  },
  {
    files: ["server/core/**/*.ts"],
    ignores: ["server/core/**/*.test.ts"],
    rules: forbid(
      [...NODE_BUILTINS, ...IO_LIBS, "../**/storage/**", "../**/engine/**", "../**/control-plane/**", "../**/sdk/**", "../**/cli/**", "../**/wire/**", "../**/metrics/**", "../**/lifecycle/**", "../**/drivers/**", "../**/services/**", "../**/diagnosis/**"],
      "server/core is the pure domain: no IO, no gRPC/Prisma/React, and it imports only server/core.",
    ),
  },
  {
    files: ["server/diagnosis/**/*.ts"],
    ignores: ["server/diagnosis/**/*.test.ts"],
    rules: forbid(
      [...NODE_BUILTINS, ...IO_LIBS, "../storage/**", "../engine/**", "../control-plane/**", "../sdk/**", "../cli/**", "../wire/**", "../metrics/**", "../lifecycle/**", "../drivers/**"],
      "server/diagnosis is pure: functions over metric windows; it imports only server/core.",
    ),
  },
  {
    // The console's React side draws what the API sends: pure core functions and the API's types,
    // never the engine, storage or services themselves (those reach the browser bundle otherwise).
    files: ["components/**/*.ts", "components/**/*.tsx"],
    ignores: ["components/**/*.test.ts"],
    rules: {
      "no-restricted-imports": "off",
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: [...NODE_BUILTINS, ...PRISMA, "@grpc/*", "prom-client", "pg"], message: "components/ run in the browser: no Node, gRPC, Prisma or metrics libraries." },
            { regex: "^(@/server|(\\.\\./)+server)/(?!core/|diagnosis/diagnosis-types$|services/api-types$)", message: "components/ may import server/core and the API's types only (server/services/api-types, server/diagnosis/diagnosis-types)." },
            { regex: "^(@/server|(\\.\\./)+server)/(services/api-types|diagnosis/diagnosis-types)$", allowTypeImports: true, message: "Import the API's types with `import type`." },
          ],
        },
      ],
    },
  },
  {
    files: ["server/sdk/**/*.ts"],
    ignores: ["server/sdk/**/*.test.ts", "server/sdk/**/*.int.test.ts"],
    rules: forbid(
      ["@prisma/*", "../storage/**", "../engine/**", "../control-plane/**", "../cli/**", "../diagnosis/**", "../services/**", "../../storage/**", "../../engine/**", "../../control-plane/**", "../../cli/**"],
      "server/sdk is published: it may import server/core and server/wire only.",
    ),
  },
);
