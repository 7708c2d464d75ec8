/**
 * The latency benchmark's breakdown needs every process of a run to stamp sampled events at every
 * hop (FLOWCTL_TRACE_HOPS). A hop that stops being stamped leaves the breakdown empty ("0 sampled
 * events"), so a real run checks that each hop of a linear pipeline appears.
 */
import fs from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { afterEach, expect, it } from "vitest";
import { cleanupChildren, flowctl } from "./cli-harness";
import { tempDir } from "./engine-harness";

afterEach(cleanupChildren);

const LINEAR_HOPS = [
  "src.yield gen",
  "src.send gen",
  "router.in gen",
  "router.out work",
  "proc.in work",
  "proc.out work",
  "router.in work",
  "router.out out",
  "sink.in out",
  "sink.done out",
];

it("stamps sampled events at every hop of a linear pipeline, in every process", async () => {
  const dir = tempDir();
  const traces = path.join(dir, "traces");
  const file = path.join(dir, "traced.yaml");
  fs.writeFileSync(
    file,
    stringify({
      apiVersion: "flowctl/v1",
      kind: "Pipeline",
      metadata: { name: "traced" },
      spec: {
        sources: [{ id: "gen", type: "load-generator", env: { EVENT_COUNT: 200, EVENT_SIZE_BYTES: 64 } }],
        processors: [{ id: "work", type: "passthrough", inputs: ["gen"] }],
        sinks: [{ id: "out", type: "blackhole", inputs: ["work"] }],
      },
    }),
  );
  const run = flowctl(["run", file, "--control-plane-port", "0", "--no-persistence"], dir, { FLOWCTL_TRACE_HOPS: traces });
  expect(await run.exited, run.output()).toBe(0);
  const stamped = new Set(
    fs
      .readdirSync(traces)
      .flatMap((f) => fs.readFileSync(path.join(traces, f), "utf8").split("\n"))
      .filter((l) => l && !l.startsWith("gc "))
      .map((l) => l.split(" ").slice(1, 3).join(" ")),
  );
  expect([...LINEAR_HOPS].filter((h) => !stamped.has(h))).toEqual([]);
});
