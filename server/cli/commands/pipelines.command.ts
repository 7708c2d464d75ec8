/**
 * `flowctl pipelines list | runs <name> | run-info <id|prefix> | stop <id|prefix> | active`:
 * pipeline runs tracked by a running control plane (legacy flowctl.ControlPlane run RPCs).
 */
import type { Command } from "commander";
import { z } from "zod";
import { parseFlags } from "../context";
import { ControlPlaneClient } from "../control-plane-client";
import { addControlPlaneClientOptions, controlPlaneClientFlagsSchema, toClientOptions, type ControlPlaneClientFlags } from "../control-plane-options";
import { renderActive, renderPipelineList, renderRunInfo, renderRuns, runToData, summarizePipelines } from "../control-plane-views";
import { render } from "../output";

const runsFlagsSchema = controlPlaneClientFlagsSchema.extend({ limit: z.coerce.number().int("must be an integer").min(1, "must be at least 1").default(10) });

async function withClient<T>(flags: ControlPlaneClientFlags, fn: (c: ControlPlaneClient) => Promise<T>): Promise<T> {
  const client = new ControlPlaneClient(toClientOptions(flags));
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

const print = (text: string) => process.stdout.write(text + "\n");

/** Registers `flowctl pipelines …`. */
export function registerPipelinesCommand(program: Command): void {
  const pipelines = program.command("pipelines").description("list, inspect and stop pipeline runs tracked by a running control plane");

  addControlPlaneClientOptions(pipelines.command("list").description("pipelines with their latest run")).action(async (raw: Record<string, unknown>) => {
    const flags = parseFlags(controlPlaneClientFlagsSchema, raw);
    const runs = await withClient(flags, (c) => c.listRuns({ limit: 1000 }));
    const rows = summarizePipelines(runs);
    print(render(flags.output, rows.map((r) => ({ ...r, lastRun: r.lastRun?.toISOString() ?? null })), () => renderPipelineList(rows, new Date())));
  });

  addControlPlaneClientOptions(pipelines.command("runs <pipeline-name>").description("recent runs of a pipeline, newest first"))
    .option("--limit <n>", "how many runs", "10")
    .action(async (name: string, raw: Record<string, unknown>) => {
      const flags = parseFlags(runsFlagsSchema, raw);
      const runs = await withClient(flags, (c) => c.listRuns({ pipelineName: name, limit: flags.limit }));
      print(render(flags.output, runs.map(runToData), () => renderRuns(runs, new Date())));
    });

  addControlPlaneClientOptions(pipelines.command("run-info <run-id>").description("details of a run (full id or unique prefix)")).action(async (id: string, raw: Record<string, unknown>) => {
    const flags = parseFlags(controlPlaneClientFlagsSchema, raw);
    const run = await withClient(flags, (c) => c.resolveRun(id));
    print(render(flags.output, runToData(run), () => renderRunInfo(run, new Date())));
  });

  addControlPlaneClientOptions(pipelines.command("stop <run-id>").description("stop a run (full id or unique prefix)")).action(async (id: string, raw: Record<string, unknown>) => {
    const flags = parseFlags(controlPlaneClientFlagsSchema, raw);
    const run = await withClient(flags, async (c) => c.stopRun((await c.resolveRun(id)).runId));
    print(render(flags.output, runToData(run), () => `✓ Pipeline stopped (status: ${run.status})`));
  });

  addControlPlaneClientOptions(pipelines.command("active").description("runs that are running now")).action(async (raw: Record<string, unknown>) => {
    const flags = parseFlags(controlPlaneClientFlagsSchema, raw);
    const runs = await withClient(flags, (c) => c.listRuns({ status: "running", limit: 100 }));
    print(render(flags.output, runs.map(runToData), () => renderActive(runs, new Date())));
  });
}
