/**
 * What a built-in component costs to start and to keep idle, commit by commit, side by side in one
 * run (on demand: `npm run bench -- --only components [--revs a,b,…]`). Each commit's tree is
 * extracted with `git archive`, given this checkout's node_modules and built (`scripts/dist.mjs`);
 * the checkout itself is the last column. Rounds are interleaved across commits; per commit:
 * - a built-in started alone (`passthrough`, no control plane): CPU and wall time to its
 *   `component ready` line;
 * - a 3-component pipeline run by that tree's `flowctl run` (load-generator at 1 event/s →
 *   passthrough → blackhole): each component's CPU when the run is RUNNING (start-up, registration,
 *   first health checks) and its RSS and PSS IDLE_SECONDS later, and the engine's wall time to
 *   RUNNING.
 * Default --revs: ROUND_REV, the main line before this round's start-up work.
 */
import { execSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchPipelines } from "../flowctl/pipelines";
import { round } from "../lib/format";
import { median, pssMb, sampleProc } from "../lib/proc-stats";
import { runToRunning } from "../lib/run-to-running";
import { REPO_ROOT } from "../lib/spawn-role";
import { withStandaloneBuiltin } from "../lib/standalone-builtin";
import type { BenchContext, SectionResult } from "./section";

/** The main line before this round's start-up work (code cache, lazy reflection, no proto-loader in components). */
export const ROUND_REV = "04bce0f";
const IDLE_SECONDS = 15;

interface Tree {
  label: string;
  root: string;
  bin: string;
  temporary: boolean;
}

/** `rev`'s files in a temporary directory with this checkout's node_modules, its Prisma client and dist/ built. */
export function extractTree(rev: string): Tree {
  const root = mkdtempSync(path.join(os.tmpdir(), `flowctl-rev-${rev}-`));
  execSync(`git archive ${rev} | tar -x -C ${JSON.stringify(root)}`, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
  for (const script of ["prisma-generate.mjs", "dist.mjs"]) {
    const r = spawnSync(process.execPath, [path.join(root, "scripts", script), ...(script === "dist.mjs" ? ["--js-only"] : [])], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bench: ${script} of ${rev} failed (commits before ahead-of-time compilation cannot be compared here): ${r.stderr}`);
  }
  return { label: rev, root, bin: path.join(root, "bin", "flowctl.mjs"), temporary: true };
}

function cpuMs(pid: number): number {
  return (sampleProc(pid)?.cpuSeconds ?? NaN) * 1000;
}

/** A standalone passthrough of `tree`: CPU and wall ms to `component ready`. */
function standaloneStart(tree: Tree): Promise<{ cpuMs: number; wallMs: number }> {
  const launcher = path.join(tree.root, "dist", "components", "passthrough.js");
  return withStandaloneBuiltin([launcher], tree.root, `${tree.label} passthrough`, (pid, readyMs) => ({ wallMs: readyMs, cpuMs: cpuMs(pid) }));
}

/** The 3-component pipeline under `tree`'s `flowctl run`: per-component CPU at RUNNING, idle RSS, engine wall time. */
async function pipelineStart(tree: Tree, file: string): Promise<{ runningMs: number; cpuMs: number[]; rssMb: number[]; pssMb: number[] }> {
  const r = await runToRunning({
    bin: tree.bin,
    label: tree.label,
    file,
    registrationTimeout: "120s",
    timeoutMs: 180_000,
    idleSeconds: IDLE_SECONDS,
    atRunning: (_engine, components) => components.map(cpuMs),
    whenIdle: (_engine, components) => ({ rssMb: components.map((pid) => sampleProc(pid)?.rssMb ?? NaN), pssMb: components.map(pssMb) }),
  });
  return { runningMs: r.runningMs, cpuMs: r.atRunning, ...r.idle };
}

export async function componentStartSection(ctx: BenchContext): Promise<SectionResult> {
  const revs = ctx.revs && ctx.revs.length > 0 ? ctx.revs : [ROUND_REV];
  const current = execSync("git rev-parse --short HEAD", { cwd: REPO_ROOT }).toString().trim();
  ctx.log(`components: extracting and building ${revs.join(", ")}`);
  const trees: Tree[] = [...revs.map(extractTree), { label: `${current} (checkout)`, root: REPO_ROOT, bin: path.join(REPO_ROOT, "bin", "flowctl.mjs"), temporary: false }];
  const dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-bench-components-"));
  const file = path.join(dir, "pipeline-3.yaml");
  writeFileSync(file, benchPipelines.chain({ wire: "batch", rate: 1, eventSize: 100, batchSize: 100 }, 3));
  try {
    // The checkout's bin rebuilds dist/ if the sources changed; the extracted trees were just built.
    for (const t of trees) spawnSync(process.execPath, [t.bin, "version"], { cwd: t.root, stdio: "ignore" });
    const alone: Record<string, { cpuMs: number; wallMs: number }[]> = {};
    const piped: Record<string, { runningMs: number; cpuMs: number[]; rssMb: number[]; pssMb: number[] }[]> = {};
    const starts = ctx.quick ? 3 : 9;
    ctx.log(`components: ${starts} standalone starts per commit, interleaved`);
    for (let i = 0; i < starts; i++) for (const t of trees) (alone[t.label] ??= []).push(await standaloneStart(t));
    const rounds = ctx.quick ? 1 : 3;
    ctx.log(`components: ${rounds} pipeline starts per commit, ${IDLE_SECONDS} s idle each, interleaved`);
    for (let i = 0; i < rounds; i++) for (const t of trees) (piped[t.label] ??= []).push(await pipelineStart(t, file));
    const rows = trees.map((t) => {
      const a = alone[t.label]!;
      const p = piped[t.label]!;
      return {
        rev: t.label,
        standaloneCpuMs: Math.round(median(a.map((x) => x.cpuMs))),
        standaloneWallMs: Math.round(median(a.map((x) => x.wallMs))),
        pipelineComponentCpuMs: Math.round(median(p.flatMap((x) => x.cpuMs))),
        pipelineComponentIdleRssMb: round(median(p.flatMap((x) => x.rssMb))),
        pipelineComponentIdleRssMaxMb: round(Math.max(...p.flatMap((x) => x.rssMb))),
        pipelineComponentIdlePssMb: round(median(p.flatMap((x) => x.pssMb))),
        pipeline3RunningMs: Math.round(median(p.map((x) => x.runningMs))),
      };
    });
    const lines = rows.map(
      (r) =>
        `built-in start ${r.rev.padEnd(22)} alone: ${r.standaloneCpuMs} ms CPU, ${r.standaloneWallMs} ms to ready | in a 3-component run: ${r.pipelineComponentCpuMs} ms CPU each to RUNNING, idle RSS median ${r.pipelineComponentIdleRssMb} MB (max ${r.pipelineComponentIdleRssMaxMb}, PSS ${r.pipelineComponentIdlePssMb}), run → RUNNING ${r.pipeline3RunningMs} ms`,
    );
    return { lines, json: { componentStart: { idleSeconds: IDLE_SECONDS, rows } } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const t of trees) if (t.temporary) rmSync(t.root, { recursive: true, force: true });
  }
}
