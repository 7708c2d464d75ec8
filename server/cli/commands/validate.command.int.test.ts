/** Runs the real `flowctl` binary as a child process: exit codes, output shape, --json. */
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const BIN = path.join(ROOT, "bin/flowctl.mjs");
const FIXTURES = path.join(ROOT, "server/core/spec/__fixtures__");

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function flowctl(args: string[], opts: { cwd?: string; stdin?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") return reject(err);
        resolve({ code: child.exitCode, stdout, stderr });
      },
    );
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    else child.stdin!.end();
  });
}

describe("flowctl validate (real binary)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "flowctl-validate-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the passed banner and component count, exit 0", async () => {
    const r = await flowctl(["validate", path.join(FIXTURES, "valid/seed-partitioned.yaml")]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, 2)).toEqual(["✓ Pipeline validation passed", "  9 components total"]);
    expect(r.stderr).toBe("");
  });

  it("prints one block per diagnostic with file:line:col and Fix:, exit 1 on errors", async () => {
    const file = path.join(FIXTURES, "invalid/graph-cycle.yaml");
    const r = await flowctl(["validate", file]);
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[0]).toBe("✗ Pipeline validation failed with 1 error(s)");
    expect(r.stdout).toContain(`${file}:14:21\n  ERROR [graph.cycle] cycle: a → b → c → a`);
    expect(r.stdout).toMatch(/\n {2}Fix: remove "c" from the inputs of "a"/);
    expect(r.stdout.trimEnd().split("\n").pop()).toBe("1 error, 0 warnings, 0 hints");
  });

  it("--json prints only the diagnostics array", async () => {
    const r = await flowctl(["validate", "--json", path.join(FIXTURES, "invalid/port-duplicate.yaml")]);
    expect(r.code).toBe(1);
    const diags = JSON.parse(r.stdout) as { code: string; line: number; column: number; severity: string }[];
    expect(diags).toEqual([expect.objectContaining({ code: "port.duplicate", line: 20, column: 20, severity: "error" })]);
  });

  it("exits 0 with warnings listed when there are no errors", async () => {
    const r = await flowctl(["validate", path.join(FIXTURES, "valid/go-spec-a-starter.yaml")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ Pipeline validation passed\n {2}3 components total\n/);
    expect(r.stdout).toContain("WARNING [tuning.unbatched-database-sink]");
  });

  it("reads flow.yml from the working directory by default, and - from stdin", async () => {
    await copyFile(path.join(FIXTURES, "valid/seed-linear.yaml"), path.join(dir, "flow.yml"));
    const byDefault = await flowctl(["validate"], { cwd: dir });
    expect(byDefault.code).toBe(0);
    expect(byDefault.stdout).toContain("✓ Pipeline validation passed");
    const fromStdin = await flowctl(["validate", "--json", "-"], { stdin: "kind: Pipeline\n" });
    expect(fromStdin.code).toBe(1);
    expect((JSON.parse(fromStdin.stdout) as { code: string; file: string }[]).map((d) => d.code)).toContain("api-version.missing");
  });

  it("names an unreadable file on stderr and exits 1", async () => {
    const missing = await flowctl(["validate", path.join(dir, "nope.yaml")]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/^Error: cannot read pipeline file ".*nope\.yaml": no such file/);
    const directory = await flowctl(["validate", dir]);
    expect(directory.code).toBe(1);
    expect(directory.stderr).toContain("it is a directory");
  });
});

describe("flowctl schema (real binary)", () => {
  it("prints a JSON Schema with the component definition, defaults and units", async () => {
    const r = await flowctl(["schema"]);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { $defs: { Component: { properties: Record<string, { properties?: Record<string, Record<string, unknown>> }> } } };
    const queue = schema.$defs.Component.properties.queue!.properties!;
    expect(queue.capacity).toMatchObject({ default: 1000, unit: "events", title: "Capacity" });
    expect(queue.policy).toMatchObject({ default: "block", enum: ["block", "drop_oldest"] });
  });
});

