/**
 * What every fault-injection scenario shares: a result row, the per-edge account turned into the
 * row's counts, RSS sampling of the engine (this process), and small waits. Scenarios are in
 * scenarios.ts; `npm run chaos` (run-chaos.ts) runs them and writes docs/chaos.md.
 */
import fs from "node:fs";
import path from "node:path";
import type { EdgeAccount } from "../../server/core/run";
import type { RunSummary } from "../../server/engine/run-pipeline";

/** One scenario's outcome: the table row of docs/chaos.md. */
export interface ChaosResult {
  scenario: string;
  fault: string;
  status: string;
  /** Faults injected (kills, stops, garbage frames, …). */
  faults: number;
  produced: number;
  delivered: number;
  dropped: number;
  rejected: number;
  lost: number;
  abandoned: number;
  deadLettered: number;
  /** Events a sink processed more than once (at-least-once redelivery after a crash). */
  duplicates: number;
  /** produced − every counted outcome, over all edges: must be 0. */
  unaccounted: number;
  /** Longest time from a fault to events flowing again (ms), when measured. */
  recoveryMs: number | null;
  engineRssMb: number;
  /** The engine process survived (and ended the run itself). */
  engineAlive: boolean;
  notes: string[];
  /** Set when the scenario could not run here (and why). */
  skipped?: string;
}

/** What a scenario may use. */
export interface ChaosContext {
  dir: string;
  /** Scenario duration (a short run in the integration tests, longer for `npm run chaos`). */
  durationMs: number;
  log: (line: string) => void;
}

export interface Scenario {
  name: string;
  fault: string;
  run(ctx: ChaosContext): Promise<ChaosResult>;
}

/** Sums the account of the edges of a run into a result row's counts. */
export function accountOf(edges: readonly EdgeAccount[], sources: readonly string[], sinks: readonly string[]) {
  const sum = (f: (e: EdgeAccount) => number, pick: (e: EdgeAccount) => boolean = () => true) => edges.filter(pick).reduce((a, e) => a + f(e), 0);
  return {
    produced: sum((e) => e.produced, (e) => sources.includes(e.from)),
    delivered: sum((e) => e.delivered, (e) => sinks.includes(e.to)),
    dropped: sum((e) => e.dropped),
    rejected: sum((e) => e.rejected),
    lost: sum((e) => e.lost),
    abandoned: sum((e) => e.abandoned),
    unaccounted: sum((e) => e.unaccounted + e.inFlight),
  };
}

/** A result row from a finished run's summary. */
export function resultOf(s: RunSummary, base: Pick<ChaosResult, "scenario" | "fault" | "faults" | "recoveryMs" | "engineRssMb"> & Partial<ChaosResult>): ChaosResult {
  const sources = s.components.filter((c) => c.role === "source").map((c) => c.id);
  const sinks = s.components.filter((c) => c.role === "sink").map((c) => c.id);
  return {
    status: s.status,
    ...accountOf(s.edges, sources, sinks),
    deadLettered: 0,
    duplicates: 0,
    engineAlive: true,
    notes: [],
    ...base,
  };
}

/** Samples this process's RSS (the engine's, in-process) until stopped; returns the peak in MB. */
export function sampleRss(everyMs = 250): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), everyMs);
  return {
    stop: () => {
      clearInterval(t);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / (1024 * 1024));
    },
  };
}

/** Resolves after `ms` or when `signal` aborts (scenario pacing, never a test assertion). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });
}

/** Sum of the per-process `<pid>.count` files a fixture writes with COUNT_DIR. */
export function sumCounts(dir: string): number {
  let n = 0;
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (!f.endsWith(".count")) continue;
    n += Number(fs.readFileSync(path.join(dir, f), "utf8").split(" ")[0]) || 0;
  }
  return n;
}

/** Lines of a JSON-lines file (0 when absent). */
export function countLines(file: string): number {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
}

/** A result row for a scenario that cannot run on this machine. */
export function skipped(s: Pick<Scenario, "name" | "fault">, why: string): ChaosResult {
  return { scenario: s.name, fault: s.fault, status: "SKIPPED", faults: 0, produced: 0, delivered: 0, dropped: 0, rejected: 0, lost: 0, abandoned: 0, deadLettered: 0, duplicates: 0, unaccounted: 0, recoveryMs: null, engineRssMb: 0, engineAlive: true, notes: [], skipped: why };
}

/** The invariants every scenario must hold: nothing unaccounted, the engine alive. */
export function violations(r: ChaosResult): string[] {
  if (r.skipped) return [];
  const out: string[] = [];
  if (r.unaccounted !== 0) out.push(`${r.unaccounted} events unaccounted`);
  if (!r.engineAlive) out.push("the engine died");
  if (r.status === "ERROR") out.push(`the scenario failed: ${r.notes[0] ?? "?"}`);
  for (const n of r.notes) if (n.startsWith("UNEXPECTED")) out.push(n);
  return out;
}
