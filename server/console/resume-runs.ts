/**
 * Runs the console was executing when it was stopped start again when it starts, like a stream
 * processor restoring its jobs: the pipelines and versions are written down at shutdown
 * (`<dataDir>/console-resume.json`) and read back, once, at the next start.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Logger } from "../core/logger";
import type { RunService } from "../services/run.service";

const resumeFileSchema = z.object({ runs: z.array(z.object({ pipeline: z.string().min(1), versionId: z.string().min(1) })) });

function resumeFile(dataDir: string): string {
  return path.join(dataDir, "console-resume.json");
}

/** Writes down which pipeline versions are running now (called before they are stopped). */
export async function recordRunsToResume(dataDir: string, runs: RunService): Promise<void> {
  const list = runs.ownedRunVersions();
  if (list.length === 0) return;
  await writeFile(resumeFile(dataDir), JSON.stringify({ runs: list }, null, 2) + "\n", "utf8");
}

/** Starts what the last shutdown recorded; returns the pipelines started. */
export async function resumeRuns(dataDir: string, runs: RunService, logger: Logger): Promise<string[]> {
  const file = resumeFile(dataDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return [];
  }
  await rm(file, { force: true });
  let raw: unknown = null;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = null;
  }
  const parsed = resumeFileSchema.safeParse(raw);
  if (!parsed.success) {
    logger.warn("ignoring an unreadable resume file", { file });
    return [];
  }
  const started: string[] = [];
  for (const r of parsed.data.runs) {
    try {
      await runs.start(r.pipeline, { versionId: r.versionId });
      started.push(r.pipeline);
    } catch (err) {
      logger.warn("a pipeline running at the last shutdown did not start again", { pipeline: r.pipeline, error: String(err) });
    }
  }
  if (started.length > 0) logger.info("started again the pipelines that were running when the console stopped", { pipelines: started });
  return started;
}
