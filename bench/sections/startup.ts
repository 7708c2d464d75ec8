/**
 * Start-up and memory, before and after ahead-of-time compilation, side by side in one run:
 * "before" is the tree of BEFORE_REV (every invocation and every built-in loaded the whole CLI from
 * TypeScript through tsx), extracted with `git archive` into a temporary directory and run with
 * this checkout's node_modules; "round" is ROUND_REV (compiled, before the code cache and the other
 * start-up work of the following round), extracted and built the same way; "after" is this
 * checkout. Measured, interleaved:
 * - `node bin/flowctl.mjs version` and `--help` wall time (median of N, `node -e 0` beside them);
 * - an idle built-in component's RSS, started alone (`flowctl component passthrough`);
 * - a 20-component pipeline (load-generator at 1 event/s → 18 passthroughs → blackhole): wall time
 *   from spawning `flowctl run` to its `run RUNNING` line and the CPU every process (engine and
 *   components) had used by then, then every component's RSS when idle.
 */
import { execSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchPipelines } from "../flowctl/pipelines";
import { round } from "../lib/format";
import { median, pssMb, rssBreakdown, sampleProc, type RssBreakdown } from "../lib/proc-stats";
import { runToRunning } from "../lib/run-to-running";
import { REPO_ROOT } from "../lib/spawn-role";
import { withStandaloneBuiltin } from "../lib/standalone-builtin";
import { extractTree, ROUND_REV } from "./component-start";
import type { BenchContext, SectionResult } from "./section";

/** The last commit before ahead-of-time compilation (bin/flowctl.mjs registered tsx). */
export const BEFORE_REV = "782481e";
/** How long a component is left alone before its RSS is first sampled. */
const IDLE_SECONDS = 15;
/**
 * And again this much later, settled: V8's memory reducer shrinks an idle heap only after several
 * seconds without allocation (in a 20-component run RSS fell ~6 MB between 20 and 35 s after start).
 */
const SETTLE_SECONDS = 15;

interface Tree {
  label: "before" | "round" | "after";
  root: string;
  bin: string;
}

/** BEFORE_REV's files in a temporary directory, with this checkout's node_modules and its own Prisma client. */
function beforeTree(): Tree {
  const root = mkdtempSync(path.join(os.tmpdir(), "flowctl-before-"));
  execSync(`git archive ${BEFORE_REV} | tar -x -C ${JSON.stringify(root)}`, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
  const gen = spawnSync(process.execPath, [path.join(root, "scripts", "prisma-generate.mjs")], { cwd: root, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (gen.status !== 0) throw new Error(`bench: generating the Prisma client of ${BEFORE_REV} failed: ${gen.stderr}`);
  return { label: "before", root, bin: path.join(root, "bin", "flowctl.mjs") };
}

/** Wall time of a command to exit, ms. */
function wallMs(args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, stdio: "ignore" });
  if (r.status !== 0) throw new Error(`bench: ${args.join(" ")} exited ${r.status}`);
  return performance.now() - t0;
}

/** Starts a standalone built-in, waits for `component ready` and IDLE_SECONDS, returns its RSS (MB). */
function idleComponentRss(tree: Tree, name: string): Promise<number> {
  return withStandaloneBuiltin([tree.bin, "component", name], tree.root, `${tree.label} ${name}`, async (pid) => {
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    return sampleProc(pid)?.rssMb ?? NaN;
  });
}

interface PipelineStart {
  runningMs: number;
  /** CPU seconds of the engine and of every component when the run turned RUNNING. */
  engineCpuS: number;
  componentsCpuS: number;
  componentRssMb: number[];
  /** Each component's PSS: RSS with the pages it shares (the node binary's) divided among their sharers. */
  componentPssMb: number[];
  engineRssMb: number;
  /** The same, SETTLE_SECONDS later, with where each component's RSS is. */
  settled: { componentRssMb: number[]; componentPssMb: number[]; engineRssMb: number; componentRss?: RssBreakdown[] };
}

function memoryOf(engine: number, components: number[]): PipelineStart["settled"] {
  return {
    componentRssMb: components.map((pid) => sampleProc(pid)?.rssMb ?? NaN),
    componentPssMb: components.map(pssMb),
    engineRssMb: sampleProc(engine)?.rssMb ?? NaN,
    componentRss: components.map(rssBreakdown),
  };
}

/** Where an idle `node` that loaded nothing keeps its RSS (the floor every component starts from). */
async function bareNodeRss(): Promise<RssBreakdown & { rssMb: number }> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  try {
    await new Promise((r) => setTimeout(r, 1_000));
    return { ...rssBreakdown(child.pid!), rssMb: sampleProc(child.pid!)?.rssMb ?? NaN };
  } finally {
    child.kill("SIGKILL");
  }
}

/** `flowctl run` of the 20-component pipeline: time to `run RUNNING`, then idle RSS of every process. */
async function pipelineStart(tree: Tree, file: string): Promise<PipelineStart> {
  const r = await runToRunning({
    bin: tree.bin,
    label: tree.label,
    file,
    // A generous registration timeout: on a loaded machine the slower tree must not fail, only be slow.
    registrationTimeout: "300s",
    timeoutMs: 360_000,
    idleSeconds: IDLE_SECONDS,
    atRunning: (engine, components) => ({
      engineCpuS: sampleProc(engine)?.cpuSeconds ?? NaN,
      componentsCpuS: components.reduce((sum, pid) => sum + (sampleProc(pid)?.cpuSeconds ?? 0), 0),
    }),
    whenIdle: memoryOf,
    settleSeconds: SETTLE_SECONDS,
    whenSettled: memoryOf,
  });
  return { runningMs: r.runningMs, ...r.atRunning, ...r.idle, settled: r.settled! };
}

export async function startupSection(ctx: BenchContext): Promise<SectionResult> {
  const reps = ctx.quick ? 3 : 9;
  ctx.log(`startup: extracting ${BEFORE_REV} (before ahead-of-time compilation) to compare`);
  const before = beforeTree();
  ctx.log(`startup: extracting and building ${ROUND_REV} (before this round's start-up work) to compare`);
  const roundTree: Tree = { ...extractTree(ROUND_REV), label: "round" };
  const after: Tree = { label: "after", root: REPO_ROOT, bin: path.join(REPO_ROOT, "bin", "flowctl.mjs") };
  const dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-bench-startup-"));
  try {
    const trees = [before, roundTree, after];
    for (const t of trees) wallMs([t.bin, "version"], t.root); // first run compiles / warms the disk cache
    ctx.log(`startup: version and --help, ${reps} runs each, interleaved`);
    const times: Record<string, number[]> = {};
    const add = (k: string, v: number) => (times[k] ??= []).push(v);
    for (let i = 0; i < reps; i++) {
      add("node -e 0", wallMs(["-e", "0"], REPO_ROOT));
      for (const t of trees) {
        add(`${t.label} version`, wallMs([t.bin, "version"], t.root));
        add(`${t.label} --help`, wallMs([t.bin, "--help"], t.root));
      }
    }
    const med = (k: string) => median(times[k]!);
    ctx.log(`startup: idle built-in component (passthrough), ${IDLE_SECONDS} s after ready`);
    const rss: Record<string, number[]> = { before: [], round: [], after: [] };
    for (let i = 0; i < (ctx.quick ? 1 : 2); i++) for (const t of trees) rss[t.label]!.push(await idleComponentRss(t, "passthrough"));

    const bare = await bareNodeRss();

    ctx.log("startup: 20-component pipeline, `flowctl run` to RUNNING");
    const file = path.join(dir, "pipeline-20.yaml");
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, benchPipelines.chain({ wire: "batch", rate: 1, eventSize: 100, batchSize: 100 }, 20));
    const p20: Record<string, PipelineStart[]> = { before: [], round: [], after: [] };
    for (let i = 0; i < (ctx.quick ? 1 : 2); i++) for (const t of trees) p20[t.label]!.push(await pipelineStart(t, file));

    const fmtMs = (x: number) => `${Math.round(x)} ms`;
    const allRss = (label: string) => p20[label]!.flatMap((p) => p.componentRssMb);
    const allPss = (label: string) => p20[label]!.flatMap((p) => p.componentPssMb);
    const settledRss = (label: string) => p20[label]!.flatMap((p) => p.settled.componentRssMb);
    const settledPss = (label: string) => p20[label]!.flatMap((p) => p.settled.componentPssMb);
    const settledParts = p20.after!.flatMap((p) => p.settled.componentRss ?? []);
    const medOf = (label: string, f: (p: PipelineStart) => number) => median(p20[label]!.map(f));
    const cpuLine = (label: string) => `engine ${medOf(label, (p) => p.engineCpuS).toFixed(1)} s + components ${medOf(label, (p) => p.componentsCpuS).toFixed(1)} s CPU at RUNNING`;
    const lines = [
      `startup: node -e 0 ${fmtMs(med("node -e 0"))} | flowctl version ${fmtMs(med("after version"))} (before ${fmtMs(med("before version"))}) | --help ${fmtMs(med("after --help"))} (before ${fmtMs(med("before --help"))})   [median of ${reps}]`,
      `idle built-in (passthrough, alone)   RSS ${median(rss.after!).toFixed(0)} MB (${ROUND_REV} ${median(rss.round!).toFixed(0)} MB, before ${median(rss.before!).toFixed(0)} MB)`,
      `20-component pipeline ${ROUND_REV}        run → RUNNING ${fmtMs(medOf("round", (p) => p.runningMs))}; ${cpuLine("round")}; idle component RSS median ${median(allRss("round")).toFixed(0)} MB, max ${Math.max(...allRss("round")).toFixed(0)} MB`,
      `20-component pipeline after          ${cpuLine("after")}; idle component PSS median ${median(allPss("after")).toFixed(0)} MB (${ROUND_REV} ${median(allPss("round")).toFixed(0)} MB)`,
      `20-component pipeline                run → RUNNING ${fmtMs(median(p20.after!.map((p) => p.runningMs)))} (before ${fmtMs(median(p20.before!.map((p) => p.runningMs)))}); idle component RSS median ${median(allRss("after")).toFixed(0)} MB, max ${Math.max(...allRss("after")).toFixed(0)} MB (before ${median(allRss("before")).toFixed(0)} / ${Math.max(...allRss("before")).toFixed(0)} MB); engine ${median(p20.after!.map((p) => p.engineRssMb)).toFixed(0)} MB (before ${median(p20.before!.map((p) => p.engineRssMb)).toFixed(0)} MB)`,
      `20-component pipeline, settled       ${IDLE_SECONDS + SETTLE_SECONDS} s after RUNNING: idle component RSS median ${median(settledRss("after")).toFixed(0)} MB, max ${Math.max(...settledRss("after")).toFixed(0)} MB, PSS ${median(settledPss("after")).toFixed(0)} MB; of the RSS, node binary pages ${median(settledParts.map((b) => b.executableMb)).toFixed(0)} MB, anonymous ${median(settledParts.map((b) => b.anonymousMb)).toFixed(0)} MB [an idle \`node -e\` ${bare.rssMb.toFixed(0)} MB: binary ${bare.executableMb.toFixed(0)}, anonymous ${bare.anonymousMb.toFixed(0)}] (${ROUND_REV} ${median(settledRss("round")).toFixed(0)} MB, before ${median(settledRss("before")).toFixed(0)} MB)`,
    ];
    return {
      lines,
      json: {
        startup: {
          cliVersionMs: Math.round(med("after version")),
          cliHelpMs: Math.round(med("after --help")),
          nodeBaselineMs: Math.round(med("node -e 0")),
          // Settled (IDLE_SECONDS + SETTLE_SECONDS after RUNNING): what an idle component keeps.
          componentIdleRssMb: round(median(settledRss("after"))),
          componentIdleRssMaxMb: round(Math.max(...settledRss("after"))),
          componentIdlePssMb: round(median(settledPss("after"))),
          componentIdleRssAt15sMb: round(median(allRss("after"))),
          componentIdleExecutableMb: round(median(settledParts.map((b) => b.executableMb))),
          componentIdleAnonymousMb: round(median(settledParts.map((b) => b.anonymousMb))),
          bareNode: { rssMb: round(bare.rssMb), executableMb: round(bare.executableMb), anonymousMb: round(bare.anonymousMb) },
          standaloneComponentIdleRssMb: round(median(rss.after!)),
          pipeline20RunningMs: Math.round(median(p20.after!.map((p) => p.runningMs))),
          pipeline20EngineRssMb: round(median(p20.after!.map((p) => p.engineRssMb))),
          pipeline20EngineCpuS: round(medOf("after", (p) => p.engineCpuS)),
          pipeline20ComponentsCpuS: round(medOf("after", (p) => p.componentsCpuS)),
          round: {
            rev: ROUND_REV,
            componentIdleRssMb: round(median(settledRss("round"))),
            componentIdlePssMb: round(median(allPss("round"))),
            standaloneComponentIdleRssMb: round(median(rss.round!)),
            pipeline20RunningMs: Math.round(medOf("round", (p) => p.runningMs)),
            pipeline20EngineCpuS: round(medOf("round", (p) => p.engineCpuS)),
            pipeline20ComponentsCpuS: round(medOf("round", (p) => p.componentsCpuS)),
          },
          before: {
            rev: BEFORE_REV,
            cliVersionMs: Math.round(med("before version")),
            cliHelpMs: Math.round(med("before --help")),
            componentIdleRssMb: round(median(settledRss("before"))),
            standaloneComponentIdleRssMb: round(median(rss.before!)),
            pipeline20RunningMs: Math.round(median(p20.before!.map((p) => p.runningMs))),
            pipeline20EngineRssMb: round(median(p20.before!.map((p) => p.engineRssMb))),
          },
          samplesMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((x) => Math.round(x))])),
        },
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(before.root, { recursive: true, force: true });
    rmSync(roundTree.root, { recursive: true, force: true });
  }
}
