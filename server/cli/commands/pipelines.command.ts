/**
 * `flowctl pipelines list | runs <name> | run-info <id|prefix> | stop <id|prefix> | active`:
 * pipeline runs tracked by a running control plane (legacy flowctl.ControlPlane run RPCs). The
 * read commands also read a flowctl database (`--db-path`, or `.flowctl/flowctl.db` when no control
 * plane answers), so runs that already ended can be listed without a server.
 */
import type { Command } from "commander";
import { z } from "zod";
import { FlowError } from "../../core/errors";
import { parseFlags } from "../context";
import { ControlPlaneClient } from "../control-plane-client";
import type { DiscoveryEntry } from "../../lifecycle/discovery";
import { addControlPlaneClientOptions, controlPlaneClientFlagsSchema, type ControlPlaneClientFlags } from "../control-plane-options";
import { findControlPlane } from "../control-plane-target";
import { renderActive, renderPipelineList, renderRunInfo, renderRuns, runToData, summarizePipelines } from "../control-plane-views";
import { render } from "../output";
import { StoreRunHistory, type RunHistory } from "../../services/run-history.service";

const historyFlagsSchema = controlPlaneClientFlagsSchema.extend({ dbPath: z.string().trim().min(1, "must not be empty").optional() });
type HistoryFlags = z.output<typeof historyFlagsSchema>;
const runsFlagsSchema = historyFlagsSchema.extend({ limit: z.coerce.number().int("must be an integer").min(1, "must be at least 1").default(10) });

async function withClient<T>(flags: ControlPlaneClientFlags, fn: (c: ControlPlaneClient) => Promise<T>, prefer?: (e: DiscoveryEntry) => boolean): Promise<T> {
  const target = findControlPlane(flags, prefer ? { prefer } : {});
  if (target.note) process.stderr.write(target.note + "\n");
  const client = new ControlPlaneClient(target.options);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/**
 * Runs `fn` against the database named by --db-path, else against the control plane; when none
 * answers, against this directory's database if one exists (saying so on stderr), else an error
 * saying that neither exists.
 */
async function withHistory<T>(flags: HistoryFlags, fn: (h: RunHistory) => Promise<T>): Promise<T> {
  if (flags.dbPath) return useStore(await StoreRunHistory.open(flags.dbPath), fn);
  try {
    return await withClient(flags, fn);
  } catch (err) {
    if (!(err instanceof FlowError) || err.code !== "UNAVAILABLE") throw err;
    let store: StoreRunHistory;
    try {
      store = await StoreRunHistory.open(undefined);
    } catch (storeErr) {
      if (!(storeErr instanceof FlowError) || storeErr.code !== "NOT_FOUND") throw storeErr;
      // Both places runs could come from are missing: say so, keeping the control plane's hints.
      const [first, ...hints] = err.message.split("\n");
      throw new FlowError("UNAVAILABLE", [`${first}; no local database either: ${storeErr.message}`, ...hints].join("\n"), { kind: "operational", cause: err });
    }
    process.stderr.write(`note: no control plane answered; showing the runs recorded in ${store.file}\n`);
    return useStore(store, fn);
  }
}

async function useStore<T>(store: StoreRunHistory, fn: (h: RunHistory) => Promise<T>): Promise<T> {
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Adds --db-path to a read command. */
const withDbPath = (cmd: Command): Command => cmd.option("--db-path <file>", "read runs from this flowctl database instead of a control plane");

const print = (text: string) => process.stdout.write(text + "\n");

/** Registers `flowctl pipelines …`. */
export function registerPipelinesCommand(program: Command): void {
  const pipelines = program.command("pipelines").description("list, inspect and stop pipeline runs (a running control plane, or a flowctl database with --db-path)");

  withDbPath(addControlPlaneClientOptions(pipelines.command("list").description("pipelines with their latest run"))).action(async (raw: Record<string, unknown>) => {
    const flags = parseFlags(historyFlagsSchema, raw);
    const runs = await withHistory(flags, (c) => c.listRuns({ limit: 1000 }));
    const rows = summarizePipelines(runs);
    print(render(flags.output, rows.map((r) => ({ ...r, lastRun: r.lastRun?.toISOString() ?? null })), () => renderPipelineList(rows, new Date())));
  });

  withDbPath(addControlPlaneClientOptions(pipelines.command("runs <pipeline-name>").description("recent runs of a pipeline, newest first")))
    .option("--limit <n>", "how many runs", "10")
    .action(async (name: string, raw: Record<string, unknown>) => {
      const flags = parseFlags(runsFlagsSchema, raw);
      const runs = await withHistory(flags, (c) => c.listRuns({ pipelineName: name, limit: flags.limit }));
      print(render(flags.output, runs.map(runToData), () => renderRuns(runs, new Date())));
    });

  withDbPath(addControlPlaneClientOptions(pipelines.command("run-info <run-id>").description("details of a run (full id or unique prefix)"))).action(async (id: string, raw: Record<string, unknown>) => {
    const flags = parseFlags(historyFlagsSchema, raw);
    const run = await withHistory(flags, (c) => c.resolveRun(id));
    print(render(flags.output, runToData(run), () => renderRunInfo(run, new Date())));
  });

  addControlPlaneClientOptions(pipelines.command("stop <run-id>").description("stop a run (full id or unique prefix)")).action(async (id: string, raw: Record<string, unknown>) => {
    const flags = parseFlags(controlPlaneClientFlagsSchema, raw);
    // With several engines running here, ask the one executing this run.
    const run = await withClient(flags, async (c) => c.stopRun((await c.resolveRun(id)).runId), (e) => e.runId?.startsWith(id) ?? false);
    print(render(flags.output, runToData(run), () => `✓ Pipeline stopped (status: ${run.status})`));
  });

  withDbPath(addControlPlaneClientOptions(pipelines.command("active").description("runs that are running now"))).action(async (raw: Record<string, unknown>) => {
    const flags = parseFlags(historyFlagsSchema, raw);
    const runs = await withHistory(flags, (c) => c.listRuns({ status: "running", limit: 100 }));
    print(render(flags.output, runs.map(runToData), () => renderActive(runs, new Date())));
  });
}
