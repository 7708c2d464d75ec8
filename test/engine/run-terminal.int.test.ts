/**
 * What `flowctl run` prints on a terminal: live status lines by default (a pseudo-terminal from
 * util-linux `script`), none when its output is piped unless asked; and the summary's per-sink
 * rates over the running time.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { cleanupChildren, flowctl } from "./cli-harness";
import { tempDir } from "./engine-harness";

afterEach(cleanupChildren);

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/flowctl.mjs");
const hasScript = spawnSync("script", ["--version"]).status === 0;

function writeFanOut(dir: string): string {
  const file = path.join(dir, "fan.yaml");
  const spec = {
    sources: [{ id: "gen", type: "load-generator", env: { EVENTS_PER_SECOND: 400, EVENT_SIZE_BYTES: 64 } }],
    sinks: [
      { id: "left", type: "blackhole", inputs: ["gen"] },
      { id: "right", type: "blackhole", inputs: ["gen"] },
    ],
  };
  fs.writeFileSync(file, stringify({ apiVersion: "flowctl/v1", kind: "Pipeline", metadata: { name: "fan" }, spec }));
  return file;
}

/** Runs `flowctl <args>` on a pseudo-terminal; resolves with everything it printed. */
function onTerminal(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  return new Promise((resolve) => {
    const child = spawn("script", ["-q", "-e", "-c", quoted, "/dev/null"], { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr.on("data", (b: Buffer) => (output += b.toString()));
    child.on("close", (code) => resolve({ code, output }));
  });
}

// A generous registration timeout: on a loaded 2-core machine three components can take 30 s.
const runArgs = (file: string) => ["run", file, "--control-plane-port", "0", "--no-persistence", "--for", "3s", "--status-interval", "500ms", "--grace-period", "2s", "--registration-timeout", "90s"];

describe("flowctl run output", () => {
  it.skipIf(!hasScript)("shows live status lines by default on a terminal", async () => {
    const dir = tempDir("flowctl-tty-");
    const r = await onTerminal(runArgs(writeFanOut(dir)), dir);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/status gen out \S+ \| left in \S+ \| right in \S+/);
  });

  it("prints no status lines when piped, unless --show-status; the summary gives each sink its rate over the running time", async () => {
    const dir = tempDir("flowctl-tty-");
    const file = writeFanOut(dir);
    const piped = flowctl(runArgs(file), dir);
    expect(await piped.exited, piped.output()).toBe(0);
    expect(piped.output()).not.toMatch(/ status gen out/);
    const m = /run STOPPED after \d+s — (\d+\.\d)s running; at the sinks: left (\d+) events \((\d+)\/s\), right (\d+) events \((\d+)\/s\)/.exec(piped.output());
    expect(m, piped.output()).not.toBeNull();
    const [running, left, leftRate, right] = [Number(m![1]), Number(m![2]), Number(m![3]), Number(m![4])];
    // Each sink got every event (fan-out), counted once, at its rate over the running time.
    expect(left).toBe(right);
    expect(Math.abs(leftRate - left / running)).toBeLessThanOrEqual(left / running / 20 + 1);

    const asked = flowctl([...runArgs(file), "--show-status"], dir);
    expect(await asked.exited, asked.output()).toBe(0);
    expect(asked.output()).toMatch(/status gen out \S+ \| left in \S+ \| right in \S+/);
  });
});
