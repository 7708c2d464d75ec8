/**
 * Built-ins run with the Node settings the latency and memory measurements chose (a 4 MB
 * semi-space cap, MALLOC_ARENA_MAX=2), and a component that sets its own keeps it: checked on the
 * real processes of a run, from their /proc command lines and environments.
 */
import fs from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { afterEach, expect, it } from "vitest";
import type { RunHandle } from "../../server/engine/run-pipeline";
import { startRun, tempDir, waitFor } from "./engine-harness";

let handle: RunHandle | undefined;
afterEach(async () => {
  await handle?.stop("test done");
  handle = undefined;
});

const cmdline = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
const environ = (pid: number) => new Map(fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));

it("starts built-ins with the measured Node settings unless the component sets its own", async () => {
  const dir = tempDir();
  const file = path.join(dir, "runtime.yaml");
  fs.writeFileSync(
    file,
    stringify({
      apiVersion: "flowctl/v1",
      kind: "Pipeline",
      metadata: { name: "runtime" },
      spec: {
        sources: [{ id: "gen", type: "load-generator", env: { EVENTS_PER_SECOND: 10 } }],
        sinks: [{ id: "out", type: "blackhole", inputs: ["gen"], env: { NODE_OPTIONS: "--max-semi-space-size=8", MALLOC_ARENA_MAX: "4" } }],
      },
    }),
  );
  handle = await startRun(file, { cwd: dir });
  const h = handle;
  await waitFor("the run to be RUNNING", () => h.state === "running");
  const pidOf = (id: string) => h.topology().components.find((c) => c.id === id)!.instances[0]!.pid!;

  const gen = pidOf("gen");
  expect(cmdline(gen)).toContain("--max-semi-space-size=4");
  expect(environ(gen).get("MALLOC_ARENA_MAX")).toBe("2");

  const out = pidOf("out");
  expect(cmdline(out).filter((a) => a.startsWith("--max-semi-space-size"))).toEqual([]);
  expect(environ(out).get("NODE_OPTIONS")).toBe("--max-semi-space-size=8");
  expect(environ(out).get("MALLOC_ARENA_MAX")).toBe("4");
});
