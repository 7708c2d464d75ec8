// Generates the Prisma client offline. Prisma 7's CLI insists on a schema-engine binary before any
// command, even `generate` which does not use it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing
// file skips the download (see docs/storage.md). Migrations are plain SQL applied by server/storage.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const schema = path.join(root, "prisma", "schema.prisma");
if (!existsSync(schema)) process.exit(0);
const prismaBin = path.join(root, "node_modules", "prisma", "build", "index.js");
if (!existsSync(prismaBin)) {
  console.warn("prisma CLI not installed; skipping client generation");
  process.exit(0);
}
const result = spawnSync(process.execPath, [prismaBin, "generate", "--schema", schema], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(root, "scripts", "no-schema-engine"),
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
    DATABASE_URL: process.env.DATABASE_URL ?? "file:./.flowctl/flowctl.db",
  },
});
process.exit(result.status ?? 1);
