/**
 * The code cache of built-in bundles: each start is a fresh process (`node --import tsx`), since
 * V8's in-process compilation cache would answer a second compilation of the same source itself.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUNDLE_WRAPPER } from "./code-cache";

const MODULE = fileURLToPath(new URL("./code-cache.ts", import.meta.url));
let dir: string;
let bundle: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-code-cache-"));
  bundle = path.join(dir, "x.cjs");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A CommonJS bundle exporting a value computed by a function, so the cache holds compiled code. */
const source = (value: number) => `function twice(x) { return x * 2; }\nexports.value = twice(${value});\nexports.dir = __dirname;\n`;

/** Starts the bundle in a new process: the cache state, what it exported, whether it wrote a cache. */
function start(flags: string[] = [], nodeOptions?: string): { state: string; value: number; dir: string; wrote: boolean } {
  const script = `const { compileBundle } = await import(${JSON.stringify(MODULE)}); const c = compileBundle(${JSON.stringify(bundle)}); const e = c.run(); console.log(JSON.stringify({ state: c.state, value: e.value, dir: e.dir, wrote: c.writeCache() }));`;
  const env = { ...process.env };
  if (nodeOptions === undefined) delete env.NODE_OPTIONS;
  else env.NODE_OPTIONS = nodeOptions;
  const r = spawnSync(process.execPath, [...flags, "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", env });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { state: string; value: number; dir: string; wrote: boolean };
}

describe("built-in bundles through the code cache", () => {
  it("the first start compiles and writes the cache, the next one uses it", () => {
    writeFileSync(bundle, source(21));
    expect(start()).toEqual({ state: "absent", value: 42, dir, wrote: true });
    expect(start()).toMatchObject({ state: "used", value: 42 });
  });

  it("a cache made from another bundle of the same length is not used: the new code runs", () => {
    writeFileSync(bundle, source(21));
    start();
    // Same length, other code: V8's own check (the length) would run the old bytecode.
    writeFileSync(bundle, source(12));
    expect(start()).toMatchObject({ state: "stale", value: 24 });
    expect(start()).toMatchObject({ state: "used", value: 24 });
  });

  it("a cache V8 refuses (another Node or V8 version) is compiled around and replaced", () => {
    writeFileSync(bundle, source(21));
    start();
    const file = path.join(dir, readdirSync(dir).find((f) => f.endsWith(".cache"))!);
    const bytes = readFileSync(file);
    bytes.fill(7, 32, 48); // digest intact; V8's header (magic number, version and flag hashes) not this V8's
    writeFileSync(file, bytes);
    expect(start()).toMatchObject({ state: "rejected", value: 42 });
    expect(start()).toMatchObject({ state: "used", value: 42 });
  });

  it("a start with other V8 flags keeps its own cache and leaves the usual one alone", () => {
    writeFileSync(bundle, source(21));
    start();
    const usual = readdirSync(dir).filter((f) => f.endsWith(".cache"));
    expect(start(["--max-semi-space-size=2"])).toMatchObject({ state: "absent", value: 42 });
    expect(start(["--max-semi-space-size=2"])).toMatchObject({ state: "used", value: 42 });
    expect(readdirSync(dir).filter((f) => f.endsWith(".cache"))).toHaveLength(2);
    expect(start()).toMatchObject({ state: "used" });
    expect(readdirSync(dir).filter((f) => f.endsWith(".cache"))).toEqual(expect.arrayContaining(usual));
  });

  it("the same V8 flag on the command line (process driver) or in NODE_OPTIONS (containers) shares one cache", () => {
    writeFileSync(bundle, source(21));
    expect(start(["--max-semi-space-size=2"])).toMatchObject({ state: "absent", value: 42 });
    expect(start([], "--max-semi-space-size=2")).toMatchObject({ state: "used", value: 42 });
    expect(readdirSync(dir).filter((f) => f.endsWith(".cache"))).toHaveLength(1);
  });

  it("a bundle the build wrapped already runs as is, with its cache", () => {
    writeFileSync(bundle, `${BUNDLE_WRAPPER}${source(21)}\n});\n`);
    expect(start()).toEqual({ state: "absent", value: 42, dir, wrote: true });
    expect(start()).toMatchObject({ state: "used", value: 42 });
  });

  it("a cache that cannot be written changes nothing but the next start's speed", () => {
    writeFileSync(bundle, source(21));
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", `const { compileBundle } = await import(${JSON.stringify(MODULE)}); const c = compileBundle(${JSON.stringify(bundle)}); c.run(); (await import("node:fs")).rmSync(${JSON.stringify(dir)}, { recursive: true }); console.log(c.writeCache());`],
      { encoding: "utf8" },
    );
    expect(r.stdout.trim()).toBe("false");
  });
});
