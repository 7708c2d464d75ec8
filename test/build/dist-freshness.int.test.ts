/**
 * Compiled output is never used when it does not match the sources: the bin recompiles first, the
 * SDK entry refuses to load, and an installed package (no sources) runs its dist/ as is. Runs on a
 * copy of the package in a temporary directory, so editing a source here touches nothing real.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let dir: string;

function flowctl(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(dir, "bin", "flowctl.mjs"), ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-dist-"));
  for (const f of ["bin", "scripts", "server", "proto", "package.json"]) cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  execFileSync(process.execPath, [path.join(dir, "scripts", "dist.mjs"), "--js-only"], { stdio: "ignore" });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("compiled output and its sources", () => {
  it("the bin recompiles a changed source before running it, and says so on stderr", () => {
    expect(flowctl(["version"]).stdout).toMatch(/^flowctl version /);
    const file = path.join(dir, "server", "cli", "commands", "version.command.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace("`flowctl version ${FLOWCTL_VERSION}`", "`flowctl edited ${FLOWCTL_VERSION}`"));
    const after = flowctl(["version"]);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/^flowctl edited /);
    expect(after.stderr).toContain("compiling server/ into dist/ (stale)");
    // Fresh again: no second compilation.
    expect(flowctl(["version"]).stderr).toBe("");
  });

  it("a removed source leaves no compiled module behind", () => {
    writeFileSync(path.join(dir, "server", "cli", "scratch-module.ts"), "export const x = 1;\n");
    flowctl(["version"]);
    expect(readFileSync(path.join(dir, "dist", "cli", "scratch-module.js"), "utf8")).toContain("x = 1");
    rmSync(path.join(dir, "server", "cli", "scratch-module.ts"));
    flowctl(["version"]);
    expect(() => readFileSync(path.join(dir, "dist", "cli", "scratch-module.js"))).toThrow(/ENOENT/);
  });

  it("importing the SDK from stale output fails naming the fix, instead of running old code", () => {
    const file = path.join(dir, "server", "sdk", "event.ts");
    writeFileSync(file, readFileSync(file, "utf8") + "\nexport const EDITED = true;\n");
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(path.join(dir, "dist", "sdk", "index.js"))})`], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("older than the sources in server/; run `npm run build`");
    flowctl(["version"]); // the bin rebuilds
    const ok = spawnSync(process.execPath, ["--input-type=module", "-e", `const m = await import(${JSON.stringify(path.join(dir, "dist", "sdk", "event.js"))}); console.log(m.EDITED)`], { encoding: "utf8" });
    expect(ok.stdout.trim()).toBe("true");
  });

  it("without sources (an installed package) dist/ is used as is", () => {
    rmSync(path.join(dir, "server"), { recursive: true });
    const r = flowctl(["version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^flowctl edited /);
    expect(r.stderr).toBe("");
  });
});
