/**
 * `npm run bench`: what flowctl costs on this machine, each figure side by side with its reference
 * in one invocation (the machine is shared and noisy, so only ratios measured together mean
 * anything). Prints a table, writes bench/results/latest.json (stable keys, read by other tools),
 * writes the pictures under docs/bench/, and a full run appends its table to docs/benchmarks.md.
 *
 *   npm run bench                              every section (~25 minutes)
 *   npm run bench -- --quick                   shorter windows, one run each (smoke check, not for reporting)
 *   npm run bench -- --only latency,startup    some sections (throughput, latency, startup, scaling;
 *                                              profile only on demand); their keys replace those in
 *                                              latest.json, the rest stay
 *   npm run bench -- --only young-gen          the built-ins' young-generation cap against Node's default
 *   npm run bench -- --only components --revs a,b   a built-in's start-up CPU and idle RSS at commits
 *                                              a, b and this checkout, side by side (on demand)
 */
import { execSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { round } from "./lib/format";
import { REPO_ROOT } from "./lib/spawn-role";
import { codecSection } from "./sections/codec";
import { componentStartSection } from "./sections/component-start";
import { latencySection } from "./sections/latency";
import { profileSection } from "./sections/profile";
import type { BenchContext, SectionResult } from "./sections/section";
import { scalingSection } from "./sections/scaling";
import { startupSection } from "./sections/startup";
import { throughputSection } from "./sections/throughput";
import { youngGenSection } from "./sections/young-gen";

const SECTIONS: Record<string, (ctx: BenchContext) => Promise<SectionResult>> = {
  throughput: throughputSection,
  latency: latencySection,
  startup: startupSection,
  scaling: scalingSection,
};
/** Sections run only when asked for with --only (they measure shares, not figures for the table). */
const ON_DEMAND: Record<string, (ctx: BenchContext) => Promise<SectionResult>> = { profile: profileSection, codec: codecSection, components: componentStartSection, "young-gen": youngGenSection };

function parseArgs(argv: string[]): { quick: boolean; only: string[]; revs: string[] } {
  const quick = argv.includes("--quick");
  const r = argv.indexOf("--revs");
  const revs = r >= 0 && argv[r + 1] ? argv[r + 1]!.split(",").map((x) => x.trim()).filter(Boolean) : [];
  const badRev = revs.find((x) => !/^[0-9a-f]{4,40}$/i.test(x));
  if (badRev) throw new Error(`bench: --revs takes commit hashes separated by commas; ${JSON.stringify(badRev)} is not one`);
  const i = argv.indexOf("--only");
  const inline = argv.find((a) => a.startsWith("--only="));
  const list = inline ? inline.slice("--only=".length) : i >= 0 ? argv[i + 1] : undefined;
  const only = list ? list.split(",").map((x) => x.trim()) : Object.keys(SECTIONS);
  const unknown = only.filter((x) => !SECTIONS[x] && !ON_DEMAND[x]);
  if (unknown.length > 0) throw new Error(`bench: unknown section ${unknown.join(", ")} (sections: ${[...Object.keys(SECTIONS), ...Object.keys(ON_DEMAND)].join(", ")})`);
  return { quick, only, revs };
}

/** Merges section keys into the previous results: objects key by key, anything else replaced. */
function merge(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    into[k] = v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object" && !Array.isArray(cur) ? merge({ ...(cur as Record<string, unknown>) }, v as Record<string, unknown>) : v;
  }
  return into;
}

export async function main(argv: string[]): Promise<void> {
  const { quick, only, revs } = parseArgs(argv);
  const ctx: BenchContext = { quick, revs, log: (msg) => process.stderr.write(`[bench] ${msg}\n`), pictureDir: path.join(REPO_ROOT, "docs", "bench") };
  mkdirSync(ctx.pictureDir, { recursive: true });
  const commit = gitCommit();
  ctx.log(`commit ${commit}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}, sections: ${only.join(", ")}`);
  const outFile = path.join(REPO_ROOT, "bench", "results", "latest.json");
  const result: Record<string, unknown> = existsSync(outFile) && only.length < Object.keys(SECTIONS).length ? (JSON.parse(readFileSync(outFile, "utf8")) as Record<string, unknown>) : {};
  const lines: string[] = [];
  const detail: string[] = [];
  const loadStart = os.loadavg();
  mkdirSync(path.dirname(outFile), { recursive: true });
  for (const name of only) {
    const r = await (SECTIONS[name] ?? ON_DEMAND[name]!)(ctx);
    lines.push(...r.lines);
    if (r.detail) detail.push(...r.detail);
    merge(result, r.json);
    // Each section's figures are kept as soon as it ends: a later section failing loses only its own.
    process.stdout.write(r.lines.join("\n") + "\n");
    writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");
  }
  merge(result, {
    meta: {
      commit,
      date: new Date().toISOString(),
      quick,
      sections: only,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      node: process.version,
      loadAverageAtStart: loadStart.map((x) => round(x)),
      loadAverage: os.loadavg().map((x) => round(x)),
    },
  });
  const table = lines.join("\n");
  process.stdout.write((detail.length ? "\n" + detail.join("\n") + "\n" : ""));
  writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");
  if (!quick) {
    const loads = `${loadStart.map((x) => x.toFixed(2)).join(" ")} at the start, ${os.loadavg().map((x) => x.toFixed(2)).join(" ")} at the end`;
    appendFileSync(
      path.join(REPO_ROOT, "docs", "benchmarks.md"),
      `\n## ${new Date().toISOString().slice(0, 16)}Z — commit ${commit} (${only.join(", ")})\n\n${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}; load average ${loads}\n\n\`\`\`\n${table}${detail.length ? "\n\n" + detail.join("\n") : ""}\n\`\`\`\n`,
    );
  }
}

function gitCommit(): string {
  try {
    return execSync("git rev-parse --short HEAD", { cwd: REPO_ROOT }).toString().trim();
  } catch {
    return "unknown";
  }
}
