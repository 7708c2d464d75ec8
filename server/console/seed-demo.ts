/** First start on an empty store: save and start the demo pipelines, so the first screen is alive. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../core/logger";
import type { PipelineService } from "../services/pipeline.service";
import type { RunService } from "../services/run.service";

/** The demos, in the order the pipelines page lists them: one healthy, one with a bottleneck. */
export const DEMO_FILES = ["demo.yaml", "slow-sink.yaml"];

/** Saves and starts each demo when the store has no pipeline at all; returns the names started. */
export async function seedDemoPipelines(examplesDir: string, pipelines: PipelineService, runs: RunService, logger: Logger): Promise<string[]> {
  if ((await pipelines.list()).length > 0) return [];
  const started: string[] = [];
  for (const file of DEMO_FILES) {
    const yaml = await readFile(path.join(examplesDir, file), "utf8");
    const name = /^\s*name:\s*([\w.-]+)/m.exec(yaml.slice(yaml.indexOf("metadata:")))?.[1];
    if (!name) throw new Error(`examples/${file} has no metadata.name`);
    await pipelines.save(name, yaml, "demo pipeline from examples/");
    await runs.start(name);
    started.push(name);
  }
  logger.info("saved and started the demo pipelines (--no-demo skips this on an empty store)", { pipelines: started });
  return started;
}
