// `npm install` in a checkout (and `npm pack`): generate the Prisma client, then compile server/ into dist/ (and the
// SDK's type declarations) so `npx flowctl` starts from JavaScript. An installed package ships
// dist/ prebuilt and no server/: nothing to do.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const scripts = path.dirname(fileURLToPath(import.meta.url));
if (!existsSync(path.join(scripts, "..", "server"))) process.exit(0);
for (const args of [["prisma-generate.mjs"], ["dist.mjs"]]) {
  const r = spawnSync(process.execPath, [path.join(scripts, args[0]), ...args.slice(1)], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
