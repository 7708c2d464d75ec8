#!/usr/bin/env node
// `npm run chaos`: the fault-injection suite, test/chaos/run-chaos.ts through tsx (docs/chaos.md).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../test/chaos/run-chaos.ts");
await main(process.argv.slice(2));
