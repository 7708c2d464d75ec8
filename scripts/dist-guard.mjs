// Imported first by the compiled SDK entries (dist/sdk/index.js, dist/sdk/testing/index.js): a
// component importing `flowctl/sdk` from a checkout whose sources changed since the last build
// would otherwise run the old SDK without a word. An installed package has no sources: no check.
import { ensureDist } from "./dist-state.mjs";

await ensureDist({ build: false });
