/**
 * A user's own component project, outside this repository: `flowctl init component`, then
 * `npm install && npm test && npx flowctl run pipeline.yaml` in a temporary directory, with
 * flowctl as a path dependency (this checkout) and as a packed tarball (what a release is). The
 * project needs no tsx: its TypeScript is compiled by its own `tsc`, flowctl's SDK is JavaScript
 * with type declarations.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist } from "../../scripts/dist-state.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(ROOT, "bin", "flowctl.mjs");
let tmp: string;

/** Runs a command to completion; resolves with its exit code and output (stdout + stderr). */
function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    // NO_COLOR: plain output to match; npm's cache is warm from this checkout's own install.
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: "1", npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" } });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, out }));
  });
}

async function expectOk(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await run(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code} in ${cwd}:\n${r.out}`);
  return r.out;
}

beforeAll(async () => {
  // The project type-checks against flowctl's declarations: they must match the sources too.
  await ensureDist({ declarations: true });
  tmp = mkdtempSync(path.join(os.tmpdir(), "flowctl-user-project-"));
}, 300_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("a component project outside the repository", () => {
  it("path dependency: init, npm install, npm test and `npx flowctl run pipeline.yaml` work as generated", async () => {
    expect(path.relative(ROOT, tmp).startsWith("..")).toBe(true);
    const created = await expectOk(process.execPath, [BIN, "init", "component", "shout"], tmp);
    expect(created).toContain(`flowctl dependency: file:${ROOT}`);
    const project = path.join(tmp, "shout");
    expect(readdirSync(project).sort()).toEqual([".gitignore", "README.md", "package.json", "pipeline.yaml", "src", "tsconfig.json"]);
    expect(JSON.parse(readFileSync(path.join(project, "package.json"), "utf8"))).toMatchObject({ type: "module", dependencies: { flowctl: `file:${ROOT}` } });

    await expectOk("npm", ["install"], project);
    expect(existsSync(path.join(project, "dist", "main.js"))).toBe(true); // prepare compiled it
    expect(existsSync(path.join(project, "node_modules", "tsx"))).toBe(false);
    expect(await expectOk("npm", ["test"], project)).toMatch(/# pass 1\n# fail 0/);

    // Port 0: other tests may hold flowctl's default control-plane port on this machine.
    const out = await expectOk("npx", ["flowctl", "run", "pipeline.yaml", "--control-plane-port", "0"], project);
    expect(out).toContain("run COMPLETED");
    const lines = readFileSync(path.join(project, "out", "events.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(500);
    expect(JSON.parse(lines[0]!).payload).toMatchObject({ seq: 1, processedBy: "shout" });
  }, 300_000);

  it("tarball dependency (npm pack): a sink project installs flowctl with its dependencies and runs without tsx or sources", async () => {
    // --ignore-scripts: pack the dist/ checked fresh above instead of rebuilding it here.
    const packed = await expectOk("npm", ["pack", "--ignore-scripts", "--pack-destination", tmp], ROOT);
    const tarball = path.join(tmp, packed.trim().split("\n").at(-1)!);
    expect(existsSync(tarball)).toBe(true);
    await expectOk(process.execPath, [BIN, "init", "component", "audit-log", "--role", "sink", "--flowctl", `file:${tarball}`], tmp);
    const project = path.join(tmp, "audit-log");

    await expectOk("npm", ["install"], project);
    const installed = path.join(project, "node_modules", "flowctl");
    expect(existsSync(path.join(installed, "dist", "sdk", "index.d.ts"))).toBe(true);
    expect(existsSync(path.join(installed, "server"))).toBe(false);
    expect(existsSync(path.join(project, "node_modules", "tsx"))).toBe(false);
    expect(await expectOk("npm", ["test"], project)).toMatch(/# pass 1\n# fail 0/);

    const out = await expectOk("npx", ["flowctl", "run", "pipeline.yaml", "--control-plane-port", "0"], project);
    expect(out).toContain("run COMPLETED");
    expect(readFileSync(path.join(project, "out", "audit-log.jsonl"), "utf8").trim().split("\n")).toHaveLength(500);
  }, 300_000);

  it("refuses a bad name or role, and a directory that already has files", async () => {
    const bad = await run(process.execPath, [BIN, "init", "component", "Shout_It"], tmp);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("--name: must be kebab-case");
    const role = await run(process.execPath, [BIN, "init", "component", "x", "--role", "filter"], tmp);
    expect(role.out).toContain("--role: must be one of source, processor, sink");
    const again = await run(process.execPath, [BIN, "init", "component", "shout"], tmp);
    expect(again.code).toBe(1);
    expect(again.out).toContain(`${path.join(tmp, "shout")} already exists and is not empty`);
  });
});
