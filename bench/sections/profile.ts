/**
 * Where the CPU goes (`npm run bench -- --only profile`): the linear batched pipeline run by
 * `flowctl run --for` in a child process, the engine and every component under `node --cpu-prof`
 * (which also profiles the router's worker thread), unthrottled and at 10,000 events/s. Each
 * profile's self time is grouped by where the code lives (flowctl's modules by folder, packages by
 * name, Node internals, GC) and printed per process. Not part of the full run: profiling slows
 * every process, its figures are shares, not rates.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { REPO_ROOT } from "../lib/spawn-role";
import type { BenchContext, SectionResult } from "./section";
import { BATCH, EVENT_SIZE } from "./throughput";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives: `flowctl <folder>`, a package name, `node internals`, or V8's pseudo-frames. */
export function category(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "native";
  if (url.startsWith("node:")) return "node internals";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "/node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(?:dist|server)\/([^/]+)\/(?:([^/]+)\/)?/.exec(url);
  if (m) return `flowctl ${m[1]}${m[2] && !m[2].includes(".") ? "/" + m[2] : ""}`;
  // A built-in's bundle holds the SDK and its packages in one file.
  if (url.includes("/dist/components/")) return "component bundle";
  return "other";
}

/**
 * Self time per category and per function, as shares of the process's non-idle time, over the
 * steady state only: the `windowMs` before the last `tailMs` of the profile (start-up and the
 * final drain left out).
 */
export function summarizeProfile(p: CpuProfile, windowMs: number, tailMs: number): { busyMs: number; shares: [string, number][]; functions: [string, number][] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const fns = new Map<string, number>();
  const at: number[] = [];
  let t = p.startTime;
  for (const d of p.timeDeltas) at.push((t += d));
  const to = p.endTime - tailMs * 1000;
  const from = to - windowMs * 1000;
  let busy = 0;
  p.samples.forEach((id, i) => {
    if (at[i]! < from || at[i]! > to) return;
    const frame = byId.get(id)!.callFrame;
    const cat = category(frame);
    const dt = p.timeDeltas[i] ?? 0;
    if (cat === "(idle)") return;
    busy += dt;
    totals.set(cat, (totals.get(cat) ?? 0) + dt);
    const fn = `${frame.functionName || "(anonymous)"} [${cat === "node internals" ? frame.url : cat}]`;
    fns.set(fn, (fns.get(fn) ?? 0) + dt);
  });
  const share = (m: Map<string, number>) => [...m].map(([k, v]): [string, number] => [k, v / (busy || 1)]).sort((a, b) => b[1] - a[1]);
  return { busyMs: busy / 1000, shares: share(totals), functions: share(fns) };
}

function pipelineYaml(dir: string, rate: number): string {
  const bin = path.join(REPO_ROOT, "bin", "flowctl.mjs");
  // Through the CLI (a root option skips the bundle fast path): the same modules, unbundled, so
  // the profile can tell the SDK from grpc-js from protobufjs.
  const profiled = (id: string, builtin: string) => [process.execPath, "--cpu-prof", "--cpu-prof-dir", path.join(dir, id), bin, "--log-level", "info", "component", builtin];
  return stringify({
    apiVersion: "flowctl/v1",
    kind: "Pipeline",
    metadata: { name: "bench-profile" },
    spec: {
      sources: [{ id: "gen", command: profiled("gen", "load-generator"), env: { EVENTS_PER_SECOND: rate, EVENT_SIZE_BYTES: EVENT_SIZE, BATCH_SIZE: BATCH } }],
      processors: [{ id: "work", command: profiled("work", "passthrough"), inputs: ["gen"], env: { BATCH_SIZE: BATCH } }],
      sinks: [{ id: "out", command: profiled("out", "blackhole"), inputs: ["work"] }],
    },
  });
}

export async function profileSection(ctx: BenchContext): Promise<SectionResult> {
  const lines: string[] = [];
  const detail: string[] = [];
  for (const rate of [0, 10_000]) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-bench-profile-"));
    try {
      const label = rate === 0 ? "unthrottled" : "10,000 ev/s";
      ctx.log(`profile: linear pipeline ${label}, every process under --cpu-prof`);
      const file = path.join(dir, "pipeline.yaml");
      writeFileSync(file, pipelineYaml(dir, rate));
      mkdirSync(path.join(dir, "engine"));
      const r = spawnSync(
        process.execPath,
        ["--cpu-prof", "--cpu-prof-dir", path.join(dir, "engine"), path.join(REPO_ROOT, "bin", "flowctl.mjs"), "run", file, "--for", ctx.quick ? "10s" : "25s", "--control-plane-port", "0", "--no-persistence", "--no-component-logs"],
        { cwd: dir, encoding: "utf8" },
      );
      if (r.status !== 0) throw new Error(`bench: profiled run failed (${r.status}):\n${(r.stdout + r.stderr).slice(-2000)}`);
      detail.push(`profile, linear batched pipeline ${label}: self time by where the code lives, share of each process's busy time (steady state: ${ctx.quick ? 5 : 15} s before the last 3 s)`);
      for (const proc of ["engine", "gen", "work", "out"]) {
        const files = readdirSync(path.join(dir, proc)).filter((f) => f.endsWith(".cpuprofile"));
        for (const f of files) {
          const p = JSON.parse(readFileSync(path.join(dir, proc, f), "utf8")) as CpuProfile;
          const s = summarizeProfile(p, ctx.quick ? 5_000 : 15_000, 3_000);
          // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the main thread.
          const tid = Number(/\.(\d+)\.\d+\.cpuprofile$/.exec(f)?.[1] ?? 0);
          const who = files.length > 1 ? `${proc} ${tid === 0 ? "main thread" : `worker thread ${tid}`}` : proc;
          detail.push(`  ${who}: busy ${(s.busyMs / 1000).toFixed(1)} s — ${s.shares.slice(0, 9).map(([k, v]) => `${k} ${(v * 100).toFixed(0)} %`).join(", ")}`);
          detail.push(`    top functions: ${s.functions.slice(0, 8).map(([k, v]) => `${k} ${(v * 100).toFixed(1)} %`).join("; ")}`);
        }
      }
      detail.push("");
      lines.push(`profile ${label}: see the per-process breakdown below`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { lines, detail, json: {} };
}
