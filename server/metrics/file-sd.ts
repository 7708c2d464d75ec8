/**
 * Prometheus file-based service discovery (`file_sd_configs`): the running components' metrics
 * endpoints as a JSON target list, rewritten atomically (temp file + rename) so Prometheus never
 * reads a half-written file.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

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
