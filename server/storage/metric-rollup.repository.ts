/** 10 s metric rollups per run, written in batches by the metrics layer. */
import { InvalidArgumentError } from "../core/errors";
import { seriesKeyOf, type MetricRollupPoint } from "../core/metric-rollup";
import { relaxSync, type Db } from "./prisma-client";
import { guard, parseJsonColumn } from "./storage-error";

/** Query of {@link MetricRollupRepository.listRollups}. */
export interface ListRollupsOptions {
  /** Only these metric names. */
  names?: string[];
  /** Only series whose labels include all of these. */
  labels?: Record<string, string>;
  /** Inclusive lower bound on `t`. */
  from?: Date;
  /** Exclusive upper bound on `t`. */
  to?: Date;
  /** At most this many points (oldest first). */
  limit?: number;
}

/** Rows per INSERT statement: 6 parameters each, well under SQLite's 32,766-variable limit. */
const UPSERT_CHUNK = 500;

/** The stored form of a label set: JSON with keys sorted, so equal sets are equal strings. */
function canonicalLabels(labels: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))));
}

const ROLLUP_SELECT = { name: true, labels: true, t: true, value: true } as const;

/** Repository for `MetricRollup`. */
export class MetricRollupRepository {
  constructor(private readonly db: Db) {}

  /**
   * Saves points in one transaction: all or none. A point for a (series, t) already stored
   * replaces its value, so re-flushing a window is idempotent.
   */
  async saveRollups(runId: string, points: MetricRollupPoint[]): Promise<void> {
    if (points.length === 0) return;
    points.forEach((p, i) => {
      if (!p.name) throw new InvalidArgumentError(`points[${i}].name`, "is required");
      if (!(p.t instanceof Date) || Number.isNaN(p.t.getTime())) throw new InvalidArgumentError(`points[${i}].t`, "must be a valid Date");
      if (typeof p.value !== "number" || Number.isNaN(p.value)) throw new InvalidArgumentError(`points[${i}].value`, "must be a number");
    });
    // One multi-row upsert per chunk, not one Prisma upsert per point: a 50-component run flushes
    // ~2,000 points every 10 s, and per-point upserts (a query-compiler pass, a read and a write each)
    // took longer than the 10 s between flushes, so writes queued without bound.
    const rows = points.map((p) => [runId, p.name, canonicalLabels(p.labels), seriesKeyOf(p.name, p.labels), p.t, p.value] as const);
    const statements: Array<ReturnType<Db["$executeRawUnsafe"]>> = [];
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      const chunk = rows.slice(i, i + UPSERT_CHUNK);
      statements.push(
        this.db.$executeRawUnsafe(
          `INSERT INTO "MetricRollup" ("runId", "name", "labels", "seriesKey", "t", "value") VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")} ` +
            `ON CONFLICT ("runId", "seriesKey", "t") DO UPDATE SET "value" = excluded."value"`,
          ...chunk.flat(),
        ),
      );
    }
    await guard({ op: "metrics.saveRollups" }, () => relaxSync(this.db));
    await guard({ op: "metrics.saveRollups", entity: "run", id: runId }, () => this.db.$transaction(statements));
  }

  /** Points of a run, oldest first. */
  async listRollups(runId: string, opts: ListRollupsOptions = {}): Promise<MetricRollupPoint[]> {
    const rows = await guard({ op: "metrics.listRollups" }, () =>
      this.db.metricRollup.findMany({
        where: {
          runId,
          ...(opts.names?.length ? { name: { in: opts.names } } : {}),
          ...(opts.from || opts.to ? { t: { ...(opts.from ? { gte: opts.from } : {}), ...(opts.to ? { lt: opts.to } : {}) } } : {}),
        },
        orderBy: [{ t: "asc" }, { seriesKey: "asc" }],
        select: ROLLUP_SELECT,
      }),
    );
    const wanted = Object.entries(opts.labels ?? {});
    const points = rows
      .map((r) => ({ name: r.name, labels: parseJsonColumn<Record<string, string>>(r.labels, "MetricRollup.labels") ?? {}, t: r.t, value: r.value }))
      .filter((p) => wanted.every(([k, v]) => p.labels[k] === v));
    return opts.limit !== undefined ? points.slice(0, opts.limit) : points;
  }
}
