/**
 * Runs a built-in component's bundle (dist/components/<name>.cjs, CommonJS) through a V8 code
 * cache (<name>.cache next to it). Compiling the ~0.8 MB bundle was the largest single cost of a
 * component's start (docs/benchmarks.md, "Start-up and memory"); Node 20 has no compile cache of
 * its own for ES modules, so the build bundles built-ins as CommonJS and this module hands V8 the
 * bytecode of every function the component ran the last time instead of compiling it again.
 *
 * The cache starts with the SHA-256 of the bundle it was made from: V8 itself only checks the
 * source's length, so a rebuilt bundle of the same length would otherwise run old bytecode. A
 * cache that is absent, made from another bundle or refused by V8 (another Node, other V8 flags)
 * is ignored — the bundle compiles as usual — and replaced, best effort, by this process's. V8
 * refuses a cache made under other V8 flags or another Node, so each combination has its own file
 * (<name>.<key>.cache): a component started with other flags (NODE_OPTIONS, argv) neither uses nor
 * overwrites the cache of the usual start.
 */
import { createHash } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

/** How the build starts each bundle: the function Node wraps CommonJS modules in (scripts/dist.mjs). */
export const BUNDLE_WRAPPER = "(function (exports, require, module, __filename, __dirname) { ";

/** What happened to the cache: used, or why not. */
export type CodeCacheState = "used" | "absent" | "stale" | "rejected";

/** Bytes of the bundle's digest at the start of a cache file. */
const DIGEST_BYTES = 32;
/** When a process that could not use the cache writes its own: after start-up and registration. */
const WRITE_AFTER_MS = 10_000;

/**
 * What V8's acceptance of a cache depends on besides the source: its version and its flags. Flags
 * count the same whether they came on the command line or in NODE_OPTIONS (the engine passes a
 * built-in's on the command line, a container's environment through NODE_OPTIONS), in any order.
 */
export function codeCacheKey(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ""): string {
  const flags = [...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)].sort();
  return createHash("sha256")
    .update([process.version, process.arch, ...flags].join("\0"))
    .digest("hex")
    .slice(0, 12);
}

/** The cache file of `bundle` for this Node and these flags (`x.cjs` → `x.<key>.cache`). */
export function codeCacheFile(bundle: string, key = codeCacheKey()): string {
  return `${bundle.replace(/\.cjs$/, "")}.${key}.cache`;
}

/** A compiled bundle: `run()` evaluates it; `writeCache()` stores the bytecode V8 has for it now. */
export interface CompiledBundle {
  readonly state: CodeCacheState;
  run(): Record<string, unknown>;
  /** Writes the cache (temporary file + rename: readers see the old or the new one). False on failure. */
  writeCache(): boolean;
}

/** Compiles `bundle` with its cache when the cache was made from this very file. */
export function compileBundle(bundle: string): CompiledBundle {
  const source = readFileSync(bundle);
  const digest = createHash("sha256").update(source).digest();
  const cacheFile = codeCacheFile(bundle);
  let cachedData: Buffer | undefined;
  let state: CodeCacheState = "absent";
  try {
    const file = readFileSync(cacheFile);
    if (file.length > DIGEST_BYTES && file.subarray(0, DIGEST_BYTES).equals(digest)) cachedData = file.subarray(DIGEST_BYTES);
    else state = "stale";
  } catch {
    // absent (or unreadable): compile without it
  }
  // The build writes bundles already wrapped (one copy of the ~0.8 MB source in the heap, not the
  // file's and the wrapped one); anything else is wrapped here, on its first line like Node does.
  const text = source.toString("utf8");
  const script = new vm.Script(text.startsWith(BUNDLE_WRAPPER) ? text : Module.wrap(text), { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  if (cachedData) state = script.cachedDataRejected === true ? "rejected" : "used";
  return {
    state,
    run: () => {
      const module = { exports: {} as Record<string, unknown> };
      const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void;
      fn.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
      return module.exports;
    },
    writeCache: () => {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]));
        renameSync(tmp, cacheFile);
        return true;
      } catch {
        // A read-only installation, a full disk: the next start compiles, nothing else changes.
        rmSync(tmp, { force: true });
        return false;
      }
    },
  };
}

/**
 * Runs a built-in's bundle as this process (what dist/components/<name>.js does) and resolves or
 * rejects with the component's `done` promise. A process that could not use the cache writes one
 * once it has started (or when it exits before that), so the next start of this build uses it.
 */
export async function runCachedBundle(bundleUrl: URL): Promise<void> {
  const bundle = fileURLToPath(bundleUrl);
  const compiled = compileBundle(bundle);
  if (compiled.state !== "used") {
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      compiled.writeCache();
    };
    setTimeout(write, WRITE_AFTER_MS).unref();
    process.once("exit", write);
  }
  const exported = compiled.run();
  await exported.done;
}
