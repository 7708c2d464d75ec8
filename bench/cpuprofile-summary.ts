/**
 * Where a process's time went, from a V8 CPU profile (`node --cpu-prof …`): per time slice (default
 * 1 s), the sampled time by where the code lives (package, node internals, flowctl's dist/ folder;
 * a blocking `child_process.spawn` is shown as SPAWN), then the top functions by self time. Used for
 * the start-up profiles in docs/benchmarks.md:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bin/flowctl.mjs run pipeline-20.yaml --control-plane-port 0 --no-persistence
 *   npx tsx bench/cpuprofile-summary.ts /tmp/prof/CPU.<…>.cpuprofile [sliceSeconds] [untilSeconds]
 *
 * Samples are taken on the wall clock: on a loaded machine a descheduled thread's time is booked to
 * whatever it was running, so read the slices as "what the thread was busy with", not CPU.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

function where(node: ProfileNode): string {
  const { functionName: fn, url } = node.callFrame;
  if (fn === "ChildProcess.spawn") return "SPAWN";
  if (fn === "(garbage collector)" || fn === "(program)" || fn === "(idle)") return fn;
  if (!url) return "native";
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/").slice(0, 2).join("/")}`;
  const dist = /\/dist\/([^/]+)/.exec(url);
  return dist ? `flowctl ${dist[1]}` : url.startsWith("wasm://") ? "wasm" : "other";
}

const [file, sliceArg, untilArg] = process.argv.slice(2);
if (!file) throw new Error("usage: tsx bench/cpuprofile-summary.ts <file.cpuprofile> [sliceSeconds] [untilSeconds]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const slice = Number(sliceArg ?? 1) * 1e6;
const until = Number(untilArg ?? Infinity) * 1e6;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const slices: Map<string, number>[] = [];
const functions = new Map<string, number>();
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i]!;
  if (t - profile.startTime > until) break;
  const node = byId.get(profile.samples[i]!)!;
  const dt = profile.timeDeltas[i + 1] ?? 0;
  const k = where(node);
  const s = (slices[Math.floor((t - profile.startTime) / slice)] ??= new Map());
  s.set(k, (s.get(k) ?? 0) + dt);
  if (k !== "(idle)") {
    const fk = `${node.callFrame.functionName || "(anonymous)"} [${k}]`;
    functions.set(fk, (functions.get(fk) ?? 0) + dt);
  }
}
const ms = (us: number) => `${Math.round(us / 1000)}`;
slices.forEach((s, i) => {
  if (!s) return;
  const top = [...s].sort((a, b) => b[1] - a[1]).slice(0, 6);
  process.stdout.write(`${((i * slice) / 1e6).toFixed(1)} s: ${top.map(([k, v]) => `${k} ${ms(v)}`).join(", ")}\n`);
});
process.stdout.write("top functions (self ms):\n");
for (const [k, v] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`  ${ms(v).padStart(6)}  ${k}\n`);
