/**
 * Where `flowctl pipelines list | runs | run-info | active` read runs from: a running control plane
 * (the original's behaviour), or a flowctl database file — so the history of runs that already
 * ended is readable without starting a server (`--db-path`, or the default `.flowctl/flowctl.db`
 * when no control plane answers).
 */
import type { RunRecord, RunStatus } from "../core/run";
import { openStore, type Store } from "../storage/store";

/** A run as the history commands and the console list it. */
export interface RunView {
  runId: string;
  pipelineName: string;
  status: "unknown" | "starting" | "running" | "completed" | "failed" | "stopped";
  startedAt: Date | null;
  endedAt: Date | null;
  error: string;
  componentIds: string[];
  eventsProcessed: number;
  eventsPerSecond: number;
  bytesProcessed: number;
}

/** The run queries the pipelines commands make; ControlPlaneClient implements them over gRPC. */
export interface RunHistory {
  listRuns(filter: { pipelineName?: string; status?: RunView["status"]; limit: number }): Promise<RunView[]>;
  resolveRun(idOrPrefix: string): Promise<RunView>;
}

/** A stored run as the commands show it (INTERRUPTED reads as failed with its reason, as on the wire). */
export function storedRunToView(r: RunRecord): RunView {
  return {
    runId: r.runId,
    pipelineName: r.pipelineName,
    status: r.status === "INTERRUPTED" ? "failed" : (r.status.toLowerCase() as RunView["status"]),
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    error: r.error ?? "",
    componentIds: r.componentIds,
    eventsProcessed: r.metrics?.eventsProcessed ?? 0,
    eventsPerSecond: r.metrics?.eventsPerSecond ?? 0,
    bytesProcessed: r.metrics?.bytesProcessed ?? 0,
  };
}

const VIEW_TO_STORED: Record<RunView["status"], RunStatus[]> = {
  unknown: [],
  starting: ["STARTING"],
  running: ["RUNNING"],
  completed: ["COMPLETED"],
  failed: ["FAILED", "INTERRUPTED"],
  stopped: ["STOPPED"],
};

/** Run history read from a flowctl database; never creates one. Close it when done. */
export class StoreRunHistory implements RunHistory {
  private constructor(private readonly store: Store) {}

  /** Opens `dbPath` (or FLOWCTL_DATABASE_URL / `.flowctl/flowctl.db`); NOT_FOUND when there is no such file. */
  static async open(dbPath: string | undefined): Promise<StoreRunHistory> {
    return new StoreRunHistory(await openStore({ ...(dbPath ? { databaseUrl: dbPath } : {}), mustExist: true }));
  }

  /** Absolute path of the database read. */
  get file(): string {
    return this.store.file;
  }

  async listRuns(filter: { pipelineName?: string; status?: RunView["status"]; limit: number }): Promise<RunView[]> {
    const runs = await this.store.runs.list({
      ...(filter.pipelineName ? { pipelineName: filter.pipelineName } : {}),
      ...(filter.status && filter.status !== "unknown" ? { status: VIEW_TO_STORED[filter.status] } : {}),
      ...(filter.limit >= 0 ? { limit: filter.limit } : {}),
    });
    return runs.map(storedRunToView);
  }

  async resolveRun(idOrPrefix: string): Promise<RunView> {
    return storedRunToView(await this.store.runs.findByPrefix(idOrPrefix));
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
