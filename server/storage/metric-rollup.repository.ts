/** 10 s metric rollups per run, written in batches by the metrics layer. */
import { InvalidArgumentError } from "../core/errors";
import { seriesKeyOf, type MetricRollupPoint } from "../core/metric-rollup";
import { bulkUpsert } from "./bulk-upsert";
import type { Db } from "./prisma-client";
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
    const rows = points.map((p) => ({ runId, name: p.name, labels: canonicalLabels(p.labels), seriesKey: seriesKeyOf(p.name, p.labels), t: p.t, value: p.value }));
    await guard({ op: "metrics.saveRollups", entity: "run", id: runId }, () =>
      bulkUpsert(this.db, { table: "MetricRollup", columns: ["runId", "name", "labels", "seriesKey", "t", "value"], conflict: ["runId", "seriesKey", "t"], update: ["value"], rows }),
    );
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
