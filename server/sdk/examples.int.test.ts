/**
 * A component written with the SDK, run by the engine from a pipeline file (what a user does):
 * `flowctl run examples/custom-component.yaml` completes with every scored order written.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FLOWCTL_BIN } from "./__tests__/component-process";

const ROOT = path.resolve(path.dirname(FLOWCTL_BIN), "..");
let tmp: string | undefined;
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("examples/custom-component.yaml", () => {
  it("runs an SDK component (TypeScript, imports flowctl/sdk) between built-ins to completion", async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "flowctl-custom-"));
    const out = path.join(tmp, "scored.jsonl");
    const yaml = (await readFile(path.join(ROOT, "examples/custom-component.yaml"), "utf8")).replace(".flowctl/out/custom-component-scored.jsonl", out);
    const file = path.join(ROOT, "examples", `.custom-component-${process.pid}.yaml`);
    // Beside the original: the engine runs components from the pipeline file's directory.
    await writeFile(file, yaml);
    try {
      const child = spawn(process.execPath, [FLOWCTL_BIN, "run", file, "--control-plane-port", "0", "--no-persistence", "--log-dir", path.join(tmp, "logs")], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let text = "";
      child.stdout.on("data", (d: Buffer) => (text += d.toString()));
      child.stderr.on("data", (d: Buffer) => (text += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(code, text).toBe(0);
      expect(text).toMatch(/run COMPLETED/);
      const lines = (await readFile(out, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { type: string; payload: { seq: number; score: number } });
      expect(lines).toHaveLength(900);
      expect(lines.every((l) => l.type === "order.scored.v1" && l.payload.seq % 10 !== 0)).toBe(true);
    } finally {
      await rm(file, { force: true });
    }
  });
});
