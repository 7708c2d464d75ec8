/** Pipeline runs and their lifecycle log (RunEvent). Status changes are guarded by core/run.ts. */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { InvalidArgumentError, NotFoundError } from "../core/errors";
import {
  assertRunTransition,
  RUN_STATUSES,
  TERMINAL_RUN_STATUSES,
  type RunEventRecord,
  type RunEventType,
  type RunMetricsSummary,
  type RunRecord,
  type RunStatus,
} from "../core/run";
import type { MetricRollupPoint } from "../core/metric-rollup";
import { MetricRollupRepository, type ListRollupsOptions } from "./metric-rollup.repository";
import { relaxSync, type Db } from "./prisma-client";
import { guard, parseJsonColumn } from "./storage-error";

const RUN_SELECT = {
  runId: true,
  pipelineName: true,
  pipelineVersionId: true,
  status: true,
  startedAt: true,
  endedAt: true,
  error: true,
  componentIds: true,
  configYaml: true,
  metrics: true,
} as const;

const EVENT_SELECT = { id: true, runId: true, at: true, type: true, componentId: true, message: true, data: true } as const;

type RunRow = {
  runId: string;
  pipelineName: string;
  pipelineVersionId: string | null;
  status: string;
  startedAt: Date;
  endedAt: Date | null;
  error: string | null;
  componentIds: string;
  configYaml: string;
  metrics: string | null;
};
type EventRow = { id: number; runId: string; at: Date; type: string; componentId: string | null; message: string; data: string | null };

function toRunStatus(s: string): RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(s) ? (s as RunStatus) : "FAILED";
}

function toRun(r: RunRow): RunRecord {
  return {
    runId: r.runId,
    pipelineName: r.pipelineName,
    pipelineVersionId: r.pipelineVersionId,
    status: toRunStatus(r.status),
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    error: r.error,
    componentIds: parseJsonColumn<string[]>(r.componentIds, "Run.componentIds") ?? [],
    configYaml: r.configYaml,
    metrics: parseJsonColumn<RunMetricsSummary>(r.metrics, "Run.metrics"),
  };
}

function toEvent(r: EventRow): RunEventRecord {
  return {
    id: String(r.id),
    runId: r.runId,
    at: r.at,
    type: r.type as RunEventType,
    componentId: r.componentId,
    message: r.message,
    data: parseJsonColumn<Record<string, unknown>>(r.data, "RunEvent.data"),
  };
}

/** Input of {@link RunRepository.create}. */
export interface CreateRunInput {
  /** @default a random UUID */
  runId?: string;
  pipelineName: string;
  pipelineVersionId?: string | null;
  /** @default "STARTING" */
  status?: RunStatus;
  /** @default now */
  startedAt?: Date;
  componentIds?: string[];
  configYaml?: string;
  /** Process that owns the run. @default this process ({@link currentRunOwner}) */
  owner?: string;
}

/** Fields {@link RunRepository.update} may change. */
export interface RunPatch {
  status?: RunStatus;
  /**
   * Accept any status change (upstream flowctl's UpdatePipelineRun semantics for clients reporting
   * their own runs); otherwise the change must be a legal run transition.
   */
  anyTransition?: boolean;
  /** Set automatically when the status becomes terminal and this is omitted. */
  endedAt?: Date | null;
  error?: string | null;
  metrics?: RunMetricsSummary | null;
  componentIds?: string[];
}

/** Filter of {@link RunRepository.list}. */
export interface ListRunsFilter {
  pipelineName?: string;
  status?: RunStatus | RunStatus[];
  /** Applied after ordering newest first; omitted → all. */
  limit?: number;
}

/** Input of {@link RunRepository.appendEvent}. */
export interface AppendRunEventInput {
  type: RunEventType;
  componentId?: string | null;
  message: string;
  data?: Record<string, unknown> | null;
  /** @default now */
  at?: Date;
}

/** Error recorded on runs found RUNNING/STARTING by {@link RunRepository.markInterrupted}. */
export const INTERRUPTED_ERROR = "interrupted: the engine that owned this run stopped before it finished";

/** `host:pid` of this process, recorded as the owner of the runs it creates. */
export function currentRunOwner(): string {
  return `${os.hostname()}:${process.pid}`;
}

/**
 * Whether a run's owner process still exists. Only processes on this host can be checked; an owner
 * on another host counts as alive unless `otherHostsDead` (then only this host's runs survive).
 */
export function isRunOwnerAlive(owner: string, otherHostsDead = false): boolean {
  const i = owner.lastIndexOf(":");
  const host = owner.slice(0, i);
  const pid = Number(owner.slice(i + 1));
  if (i < 0 || !Number.isInteger(pid) || pid <= 0) return false;
  if (host !== os.hostname()) return !otherHostsDead;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Repository for `Run` and `RunEvent`. */
export class RunRepository {
  constructor(
    private readonly db: Db,
    private readonly rollups: MetricRollupRepository = new MetricRollupRepository(db),
  ) {}

  /** Same as `store.metrics.saveRollups` (the contract lists it on runs too). */
  saveRollups(runId: string, points: MetricRollupPoint[]): Promise<void> {
    return this.rollups.saveRollups(runId, points);
  }

  /** Same as `store.metrics.listRollups`. */
  listRollups(runId: string, opts?: ListRollupsOptions): Promise<MetricRollupPoint[]> {
    return this.rollups.listRollups(runId, opts);
  }

  /** Creates a run; ALREADY_EXISTS when the id is taken. */
  async create(input: CreateRunInput): Promise<RunRecord> {
    if (!input.pipelineName.trim()) throw new InvalidArgumentError("pipeline_name", "is required");
    const runId = input.runId || randomUUID();
    const now = new Date();
    const status = input.status ?? "STARTING";
    const row = await guard({ op: "runs.create", entity: "run", id: runId }, () =>
      this.db.run.create({
        data: {
          runId,
          pipelineName: input.pipelineName,
          pipelineVersionId: input.pipelineVersionId ?? null,
          status,
          startedAt: input.startedAt ?? now,
          endedAt: TERMINAL_RUN_STATUSES.has(status) ? now : null,
          componentIds: JSON.stringify(input.componentIds ?? []),
          configYaml: input.configYaml ?? "",
          owner: input.owner ?? currentRunOwner(),
          updatedAt: now,
        },
        select: RUN_SELECT,
      }),
    );
    return toRun(row);
  }

  /**
   * Applies a patch. A status change must be a legal run transition (IllegalStateError otherwise);
   * the write is conditional on the status read, so two concurrent updaters cannot both move a run
   * out of the same state.
   */
  async update(runId: string, patch: RunPatch): Promise<RunRecord> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.get(runId);
      if (!current) throw new NotFoundError("run", runId);
      const to = patch.status ?? current.status;
      if (!patch.anyTransition) assertRunTransition(current.status, to);
      const becomesTerminal = TERMINAL_RUN_STATUSES.has(to) && (patch.anyTransition ? to !== current.status : !TERMINAL_RUN_STATUSES.has(current.status));
      const endedAt = patch.endedAt !== undefined ? patch.endedAt : becomesTerminal ? new Date() : undefined;
      const res = await guard({ op: "runs.update", entity: "run", id: runId }, () =>
        this.db.run.updateMany({
          where: { runId, status: current.status },
          data: {
            status: to,
            ...(endedAt !== undefined ? { endedAt } : {}),
            ...(patch.error !== undefined ? { error: patch.error } : {}),
            ...(patch.metrics !== undefined ? { metrics: patch.metrics === null ? null : JSON.stringify(patch.metrics) } : {}),
            ...(patch.componentIds !== undefined ? { componentIds: JSON.stringify(patch.componentIds) } : {}),
            updatedAt: new Date(),
          },
        }),
      );
      if (res.count === 1) {
        const updated = await this.get(runId);
        if (!updated) throw new NotFoundError("run", runId);
        return updated;
      }
      // The status changed between our read and write: re-read and re-check the transition.
    }
    throw new InvalidArgumentError("run_id", `run ${runId} is being updated concurrently; retry`);
  }

  /** The run, or null. */
  /**
   * Stores the run's diagnosis as it ran (a `flowctl diagnose --json` object), replacing any earlier
   * one. Kept apart from {@link RunRecord} so listing runs never parses reports.
   */
  async saveDiagnosis(runId: string, report: object): Promise<void> {
    const res = await guard({ op: "runs.saveDiagnosis", entity: "run", id: runId }, () =>
      this.db.run.updateMany({ where: { runId }, data: { diagnosis: JSON.stringify(report), updatedAt: new Date() } }),
    );
    if (res.count === 0) throw new NotFoundError("run", runId);
  }

  /** The diagnosis stored with the run by {@link saveDiagnosis}, or null. */
  async getDiagnosis(runId: string): Promise<Record<string, unknown> | null> {
    const row = await guard({ op: "runs.getDiagnosis" }, () => this.db.run.findUnique({ where: { runId }, select: { diagnosis: true } }));
    if (!row) throw new NotFoundError("run", runId);
    return parseJsonColumn<Record<string, unknown>>(row.diagnosis, "Run.diagnosis");
  }

  async get(runId: string): Promise<RunRecord | null> {
    const row = await guard({ op: "runs.get" }, () => this.db.run.findUnique({ where: { runId }, select: RUN_SELECT }));
    return row ? toRun(row) : null;
  }

  /**
   * Resolves a full id or a unique prefix (as `flowctl pipelines run-info` does). NotFoundError when
   * nothing matches, InvalidArgumentError (field `run_id`) when the prefix is ambiguous.
   */
  async findByPrefix(prefix: string): Promise<RunRecord> {
    if (!prefix) throw new InvalidArgumentError("run_id", "is required");
    const exact = await this.get(prefix);
    if (exact) return exact;
    const rows = await guard({ op: "runs.findByPrefix" }, () =>
      this.db.run.findMany({ where: { runId: { startsWith: prefix } }, orderBy: { startedAt: "desc" }, take: 6, select: RUN_SELECT }),
    );
    if (rows.length === 0) throw new NotFoundError("run", prefix);
    if (rows.length > 1) {
      const ids = rows.slice(0, 5).map((r) => r.runId.slice(0, 12));
      throw new InvalidArgumentError("run_id", `prefix ${JSON.stringify(prefix)} is ambiguous (matches ${ids.join(", ")}${rows.length > 5 ? ", …" : ""})`);
    }
    return toRun(rows[0]!);
  }

  /** Runs newest first (by start time), filtered, with the limit applied after ordering. */
  async list(filter: ListRunsFilter = {}): Promise<RunRecord[]> {
    const statuses = filter.status === undefined ? undefined : Array.isArray(filter.status) ? filter.status : [filter.status];
    const rows = await guard({ op: "runs.list" }, () =>
      this.db.run.findMany({
        where: {
          ...(filter.pipelineName ? { pipelineName: filter.pipelineName } : {}),
          ...(statuses ? { status: { in: statuses } } : {}),
        },
        orderBy: [{ startedAt: "desc" }, { runId: "desc" }],
        ...(filter.limit !== undefined && filter.limit >= 0 ? { take: filter.limit } : {}),
        select: RUN_SELECT,
      }),
    );
    return rows.map(toRun);
  }

  /**
   * Crash recovery: runs still STARTING/RUNNING whose owning process is gone become INTERRUPTED
   * with an end time and an explanatory error. Runs owned by a live process on this host (another
   * engine sharing the database) are left alone, as are runs owned by other hosts unless
   * `includeOtherHosts`. `except` spares specific runs. Returns the ids changed.
   */
  async markInterrupted(opts: { except?: string[]; at?: Date; includeOtherHosts?: boolean; isOwnerAlive?: (owner: string) => boolean } = {}): Promise<string[]> {
    const at = opts.at ?? new Date();
    const alive = opts.isOwnerAlive ?? ((owner: string) => isRunOwnerAlive(owner, opts.includeOtherHosts ?? false));
    return guard({ op: "runs.markInterrupted" }, () =>
      this.db.$transaction(async (tx) => {
        const where = { status: { in: ["STARTING", "RUNNING"] }, ...(opts.except?.length ? { runId: { notIn: opts.except } } : {}) };
        const candidates = await tx.run.findMany({ where, select: { runId: true, status: true, owner: true } });
        const rows = candidates.filter((r) => r.owner === null || !alive(r.owner));
        for (const r of rows) assertRunTransition(toRunStatus(r.status), "INTERRUPTED");
        if (rows.length === 0) return [];
        await tx.run.updateMany({
          where: { runId: { in: rows.map((r) => r.runId) }, status: { in: ["STARTING", "RUNNING"] } },
          data: { status: "INTERRUPTED", endedAt: at, error: INTERRUPTED_ERROR, updatedAt: at },
        });
        await tx.runEvent.createMany({
          data: rows.map((r) => ({ runId: r.runId, at, type: "run.status", componentId: null, message: `${r.status} → INTERRUPTED`, data: JSON.stringify({ from: r.status, to: "INTERRUPTED", owner: r.owner }) })),
        });
        return rows.map((r) => r.runId);
      }),
    );
  }

  /** Appends a lifecycle event; NOT_FOUND when the run does not exist. */
  async appendEvent(runId: string, input: AppendRunEventInput): Promise<RunEventRecord> {
    return guard({ op: "runs.appendEvent", entity: "run", id: runId }, async () => {
      await relaxSync(this.db);
      const exists = await this.db.run.findUnique({ where: { runId }, select: { runId: true } });
      if (!exists) throw new NotFoundError("run", runId);
      const row = await this.db.runEvent.create({
        data: {
          runId,
          at: input.at ?? new Date(),
          type: input.type,
          componentId: input.componentId ?? null,
          message: input.message,
          data: input.data == null ? null : JSON.stringify(input.data),
        },
        select: EVENT_SELECT,
      });
      return toEvent(row);
    });
  }

  /** The run's events in order of time (then insertion). */
  async listEvents(runId: string, opts: { limit?: number; componentId?: string } = {}): Promise<RunEventRecord[]> {
    const rows = await guard({ op: "runs.listEvents" }, () =>
      this.db.runEvent.findMany({
        where: { runId, ...(opts.componentId ? { componentId: opts.componentId } : {}) },
        orderBy: [{ at: "asc" }, { id: "asc" }],
        ...(opts.limit !== undefined ? { take: opts.limit } : {}),
        select: EVENT_SELECT,
      }),
    );
    return rows.map(toEvent);
  }
}
