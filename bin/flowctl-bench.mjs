#!/usr/bin/env node
// `npm run bench`: runs bench/run-bench.ts through tsx (see docs/benchmarks.md).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../bench/run-bench.ts");
await main(process.argv.slice(2));
