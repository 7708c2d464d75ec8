#!/usr/bin/env node
// Entry point of the `flowctl` command. It runs the compiled JavaScript in dist/ (built by
// `npm install` and `npm run build`); in a checkout whose sources changed since, it compiles them
// first (about a second), so the code that runs is always the code on disk. See docs/build.md.
import { existsSync } from "node:fs";
import { ensureDist } from "../scripts/dist-state.mjs";

await ensureDist({ log: (msg) => process.stderr.write(`flowctl: ${msg}\n`) });
const args = process.argv.slice(2);
// `flowctl component <name>` is how the engine starts a built-in: its bundle holds the SDK and that
// component only, so the process does not load the CLI (same behaviour as the CLI's command).
const bundle = args.length === 2 && args[0] === "component" && /^[a-z][a-z0-9-]*$/.test(args[1]) ? new URL(`../dist/components/${args[1]}.js`, import.meta.url) : undefined;
if (bundle && existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { main } = await import("../dist/cli/main.js");
  await main(process.argv);
}
