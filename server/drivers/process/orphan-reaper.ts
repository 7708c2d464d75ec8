/**
 * Leftovers of an engine that died without stopping its components (SIGKILL, power loss): every
 * instance runs in its own process group, so they outlive it. The supervisor records each spawned
 * process in `<logDir>/<runId>/processes.jsonl`; when a later engine marks that run INTERRUPTED it
 * reaps the groups still alive — after checking, through /proc, that the pid still belongs to that
 * run (FLOWCTL_RUN_ID in its environment), so a recycled pid is never killed.
 */
import fs from "node:fs";
import path from "node:path";

const FILE = "processes.jsonl";

export interface ProcessRecord {
  instanceId: string;
  pid: number;
  startedAt: string;
}

/** Appends one spawned process to the run's record (synchronously: it must exist before a crash). */
export function recordProcess(logDir: string, runId: string, rec: ProcessRecord): void {
  const dir = path.join(logDir, runId);
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(path.join(dir, FILE), JSON.stringify(rec) + "\n");
}

function belongsToRun(pid: number, runId: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`FLOWCTL_RUN_ID=${runId}`);
  } catch (err) {
    // ENOENT: gone; EACCES: another user's process — neither is ours to kill.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EACCES" || code === "ESRCH") return false;
    throw err;
  }
}

/**
 * SIGKILLs the process groups recorded for `runId` that are still alive and still that run's.
 * Returns the pids reaped. A run without a record (never spawned anything) reaps nothing.
 */
export function reapRunProcesses(logDir: string, runId: string): number[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(logDir, runId, FILE), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const reaped: number[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let rec: ProcessRecord;
    try {
      rec = JSON.parse(line) as ProcessRecord;
    } catch {
      continue; // a line torn by the crash that left this record behind
    }
    if (!Number.isInteger(rec.pid) || rec.pid <= 1 || !belongsToRun(rec.pid, runId)) continue;
    try {
      process.kill(-rec.pid, "SIGKILL");
      reaped.push(rec.pid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
  }
  return reaped;
}
