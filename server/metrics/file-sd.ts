/**
 * Prometheus file-based service discovery (`file_sd_configs`): the running components' metrics
 * endpoints as a JSON target list, rewritten atomically (temp file + rename) so Prometheus never
 * reads a half-written file.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { isProcessAlive } from "../lifecycle/process-alive";

/** One `file_sd` target group. */
export interface FileSdGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** What the writer needs from a run's topology (structural). */
export interface FileSdTopology {
  pipeline: string;
  runId: string;
  components: ReadonlyArray<{ id: string; role: string; instances: ReadonlyArray<{ instanceId: string; metricsPort: number | undefined }> }>;
}

/** One group per instance that announces a metrics port; `job="flowctl-component"`. */
export function fileSdGroups(topology: FileSdTopology, host = "127.0.0.1"): FileSdGroup[] {
  const groups: FileSdGroup[] = [];
  for (const c of topology.components) {
    for (const i of c.instances) {
      if (!i.metricsPort) continue;
      groups.push({
        targets: [`${host}:${i.metricsPort}`],
        labels: { job: "flowctl-component", pipeline: topology.pipeline, run_id: topology.runId, flowctl_component: c.id, flowctl_instance: i.instanceId, flowctl_role: c.role },
      });
    }
  }
  return groups;
}

/** Writes the groups to `file` atomically; returns the JSON written. */
export async function writeFileSd(file: string, groups: readonly FileSdGroup[]): Promise<string> {
  const json = JSON.stringify(groups, null, 2) + "\n";
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, json, "utf8");
  await rename(tmp, file);
  return json;
}

/** Where flowctl keeps the discovery file Prometheus is pointed at, under a working directory. */
export function defaultTargetsFile(cwd: string = process.cwd()): string {
  return path.join(cwd, ".flowctl", "prometheus", "targets.json");
}

/**
 * One `targets.json` that several flowctl processes (the console, `flowctl run` in other shells)
 * keep current together: each writes its own groups to `parts/<pid>.json` beside it, then rewrites
 * `targets.json` as the union of the parts whose process is still alive. Every writer merges after
 * writing its part, so the last merge always sees every live part.
 */
export class SharedTargetsFile {
  private last = "";

  constructor(
    readonly file: string,
    private readonly pid: number = process.pid,
  ) {}

  private get partsDir(): string {
    return path.join(path.dirname(this.file), "parts");
  }

  /** Publishes this process's groups (no write when unchanged since the last call). */
  async publish(groups: readonly FileSdGroup[]): Promise<void> {
    const json = JSON.stringify(groups);
    if (json === this.last) return;
    this.last = json;
    await writeFileSd(path.join(this.partsDir, `${this.pid}.json`), groups);
    await this.merge();
  }

  /** Removes this process's part (exit) and rewrites the union. */
  async withdraw(): Promise<void> {
    this.last = "";
    await rm(path.join(this.partsDir, `${this.pid}.json`), { force: true });
    await this.merge();
  }

  private async merge(): Promise<void> {
    const names = await readdir(this.partsDir).catch(() => [] as string[]);
    const groups: FileSdGroup[] = [];
    for (const name of names.sort()) {
      const pid = Number(name.replace(/\.json$/, ""));
      if (!name.endsWith(".json") || !Number.isInteger(pid)) continue;
      if (!isProcessAlive(pid)) {
        await rm(path.join(this.partsDir, name), { force: true });
        continue;
      }
      try {
        groups.push(...(JSON.parse(await readFile(path.join(this.partsDir, name), "utf8")) as FileSdGroup[]));
      } catch {
        // A part being replaced right now: its writer merges again after the rename.
        continue;
      }
    }
    await writeFileSd(this.file, groups);
  }
}
