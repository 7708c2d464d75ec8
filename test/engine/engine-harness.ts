/**
 * Shared set-up of the engine integration tests: a temp dir per pipeline, YAML built from a small
 * description, runs driven through the real runPipeline() (real processes, real gRPC, OS ports),
 * and helpers that poll (never sleep) for counts the fixture components write.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { stringify } from "yaml";
import { loadPipeline } from "../../server/core/spec";
import { runPipeline, type RunHandle, type RunPipelineOptions } from "../../server/engine/run-pipeline";

export const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/foreign-components/component.mjs");

export interface FixtureComponent {
  id: string;
  inputs?: string[];
  env?: Record<string, string | number>;
  replicas?: number;
  queue?: { capacity?: number; policy?: "block" | "drop_oldest"; max_bytes?: string | number };
  restart_policy?: "no" | "on-failure" | "always" | "unless-stopped";
  partition_key?: string;
  input_event_types?: string[];
}

export interface PipelineDescription {
  name: string;
  sources: FixtureComponent[];
  processors?: FixtureComponent[];
  sinks: FixtureComponent[];
}

export function tempDir(prefix = "flowctl-engine-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function component(role: string, c: FixtureComponent, wire: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    command: [process.execPath, FIXTURE],
    env: { ROLE: role, WIRE: wire, ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, String(v)])) },
  };
  if (c.inputs) out.inputs = c.inputs;
  if (c.replicas) out.replicas = c.replicas;
  if (c.queue) out.queue = c.queue;
  if (c.restart_policy) out.restart_policy = c.restart_policy;
  if (c.partition_key) out.partition_key = c.partition_key;
  if (c.input_event_types) out.input_event_types = c.input_event_types;
  return out;
}

/** Writes `<dir>/pipeline.yaml` for fixture components on the given wire. */
export function writePipeline(dir: string, p: PipelineDescription, wire: "event" | "batch" = "event"): { file: string; yaml: string } {
  const doc = {
    apiVersion: "flowctl/v1",
    kind: "Pipeline",
    metadata: { name: p.name },
    spec: {
      driver: "process",
      sources: p.sources.map((c) => component("source", c, wire)),
      ...(p.processors?.length ? { processors: p.processors.map((c) => component("processor", c, wire)) } : {}),
      sinks: p.sinks.map((c) => component("sink", c, wire)),
    },
  };
  const yaml = stringify(doc);
  const file = path.join(dir, "pipeline.yaml");
  fs.writeFileSync(file, yaml);
  return { file, yaml };
}

/** Loads and starts a pipeline file with test-friendly defaults. */
export async function startRun(file: string, extra: Partial<RunPipelineOptions> = {}): Promise<RunHandle> {
  const yaml = fs.readFileSync(file, "utf8");
  const loaded = loadPipeline(yaml, { file });
  if (!loaded.pipeline) throw new Error(`pipeline invalid: ${loaded.diagnostics.map((d) => d.message).join("; ")}`);
  return runPipeline({
    pipeline: loaded.pipeline,
    configYaml: yaml,
    file,
    registrationTimeoutMs: 20_000,
    gracePeriodMs: 5_000,
    heartbeatIntervalMs: 1_000,
    console: false,
    logDir: path.join(path.dirname(file), ".flowctl", "logs"),
    ...extra,
  });
}

/** Reads a fixture's COUNT_FILE: the count it wrote (0 when not written yet). */
export function readCount(file: string): number {
  try {
    return Number(fs.readFileSync(file, "utf8").split(" ")[0]) || 0;
  } catch {
    return 0;
  }
}

/** Polls `check` until it returns true or the deadline passes (then throws with `what`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** PIDs of live processes whose command line mentions `needle` (the process table, via ps). */
export function processesMatching(needle: string): number[] {
  const out = execFileSync("ps", ["-eo", "pid=,stat=,args="], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((l) => l.includes(needle) && !/^\s*\d+\s+Z/.test(l))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter((pid) => pid !== process.pid);
}

/** PIDs of live processes whose environment says they belong to `runId` (FLOWCTL_RUN_ID, via /proc). */
export function processesOfRun(runId: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!fs.readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(`FLOWCTL_RUN_ID=${runId}`)) continue;
      if (/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${entry}/stat`, "latin1"))) continue;
      pids.push(Number(entry));
    } catch {
      // gone meanwhile, or another user's process
    }
  }
  return pids;
}
