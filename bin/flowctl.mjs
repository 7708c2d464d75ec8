#!/usr/bin/env node
// Entry point of the `flowctl` command. The sources are TypeScript run through tsx's loader, so a
// fresh clone works after `npm install` with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../server/cli/main.ts");
await main(process.argv);
