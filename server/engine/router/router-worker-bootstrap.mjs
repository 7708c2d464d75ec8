// Worker threads do not inherit the tsx loader that bin/flowctl.mjs registered in the main thread
// (nor vitest's transform), so the worker registers tsx itself before importing the TypeScript.
import { register } from "tsx/esm/api";

register();
await import("./router-worker.ts");
