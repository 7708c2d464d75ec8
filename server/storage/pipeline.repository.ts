/** Saved pipelines and their immutable versions. */
import { createHash, randomUUID } from "node:crypto";
import { parseLayout, type EditorLayout, type ParsedLayout } from "../core/editor/layout-model";
import { InvalidArgumentError, NotFoundError } from "../core/errors";
import type { PipelineRecord, PipelineVersionRecord } from "../core/pipeline";
import type { Db } from "./prisma-client";
import { guard } from "./storage-error";

const VERSION_SELECT = {
  id: true,
  version: true,
  yaml: true,
  contentHash: true,
  message: true,
  createdAt: true,
  pipeline: { select: { name: true } },
} as const;

const PIPELINE_SELECT = {
  id: true,
  name: true,
  createdAt: true,
  updatedAt: true,
  versions: { select: { version: true }, orderBy: { version: "desc" }, take: 1 },
} as const;

type VersionRow = {
  id: string;
  version: number;
  yaml: string;
  contentHash: string;
  message: string | null;
  createdAt: Date;
  pipeline: { name: string };
};
type PipelineRow = { id: string; name: string; createdAt: Date; updatedAt: Date; versions: { version: number }[] };

function toVersion(r: VersionRow): PipelineVersionRecord {
  return {
    id: r.id,
    pipelineName: r.pipeline.name,
    version: r.version,
    yaml: r.yaml,
    contentHash: r.contentHash,
    message: r.message,
    createdAt: r.createdAt,
  };
}

function toPipeline(r: PipelineRow): PipelineRecord {
  return { id: r.id, name: r.name, createdAt: r.createdAt, updatedAt: r.updatedAt, latestVersion: r.versions[0]?.version ?? 0 };
}

/** sha256 hex of a pipeline's YAML. */
export function contentHashOf(yaml: string): string {
  return createHash("sha256").update(yaml).digest("hex");
}

/** Repository for `Pipeline` and `PipelineVersion`. */
export class PipelineRepository {
  constructor(private readonly db: Db) {}

  /**
   * Saves `yaml` as a new version of `name` (creating the pipeline on first save). Saving content
   * identical to the newest version returns that version instead of a duplicate. The pipeline row
   * and the version are written in one transaction.
   */
  async saveVersion(name: string, yaml: string, message?: string | null): Promise<PipelineVersionRecord> {
    if (!name.trim()) throw new InvalidArgumentError("pipeline.name", "is required");
    const contentHash = contentHashOf(yaml);
    return guard({ op: "pipelines.saveVersion", entity: "pipeline version", id: name }, () =>
      this.db.$transaction(async (tx) => {
        const now = new Date();
        const pipeline = await tx.pipeline.upsert({
          where: { name },
          create: { id: randomUUID(), name, createdAt: now, updatedAt: now },
          update: {},
          select: { id: true },
        });
        const latest = await tx.pipelineVersion.findFirst({
          where: { pipelineId: pipeline.id },
          orderBy: { version: "desc" },
          select: VERSION_SELECT,
        });
        if (latest && latest.contentHash === contentHash) return toVersion(latest);
        const created = await tx.pipelineVersion.create({
          data: {
            id: randomUUID(),
            pipelineId: pipeline.id,
            version: (latest?.version ?? 0) + 1,
            yaml,
            contentHash,
            message: message ?? null,
            createdAt: now,
          },
          select: VERSION_SELECT,
        });
        await tx.pipeline.update({ where: { id: pipeline.id }, data: { updatedAt: now }, select: { id: true } });
        return toVersion(created);
      }),
    );
  }

  /** The pipeline, or null. */
  async get(name: string): Promise<PipelineRecord | null> {
    const row = await guard({ op: "pipelines.get" }, () => this.db.pipeline.findUnique({ where: { name }, select: PIPELINE_SELECT }));
    return row ? toPipeline(row) : null;
  }

  /** All pipelines by name. */
  async list(): Promise<PipelineRecord[]> {
    const rows = await guard({ op: "pipelines.list" }, () => this.db.pipeline.findMany({ orderBy: { name: "asc" }, select: PIPELINE_SELECT }));
    return rows.map(toPipeline);
  }

  /** Versions of `name`, newest first. Throws NotFoundError for an unknown pipeline. */
  async listVersions(name: string): Promise<PipelineVersionRecord[]> {
    return guard({ op: "pipelines.listVersions" }, async () => {
      const p = await this.db.pipeline.findUnique({ where: { name }, select: { id: true } });
      if (!p) throw new NotFoundError("pipeline", name);
      const rows = await this.db.pipelineVersion.findMany({ where: { pipelineId: p.id }, orderBy: { version: "desc" }, select: VERSION_SELECT });
      return rows.map(toVersion);
    });
  }

  /** One version by id, or null. */
  async getVersion(id: string): Promise<PipelineVersionRecord | null> {
    const row = await guard({ op: "pipelines.getVersion" }, () => this.db.pipelineVersion.findUnique({ where: { id }, select: VERSION_SELECT }));
    return row ? toVersion(row) : null;
  }

  /** The newest version of `name`, or null. */
  async latestVersion(name: string): Promise<PipelineVersionRecord | null> {
    const row = await guard({ op: "pipelines.latestVersion" }, () =>
      this.db.pipelineVersion.findFirst({ where: { pipeline: { name } }, orderBy: { version: "desc" }, select: VERSION_SELECT }),
    );
    return row ? toVersion(row) : null;
  }

  /**
   * Stores the editor's layout map of version `versionId`, replacing the one it had (positions are
   * presentation: changing them never makes a new version). NotFoundError for an unknown version.
   */
  async saveLayout(versionId: string, layout: EditorLayout): Promise<void> {
    const text = JSON.stringify(layout);
    await guard({ op: "pipelines.saveLayout", entity: "pipeline version", id: versionId }, () =>
      this.db.$transaction(async (tx) => {
        const v = await tx.pipelineVersion.findUnique({ where: { id: versionId }, select: { id: true } });
        if (!v) throw new NotFoundError("pipeline version", versionId);
        const updatedAt = new Date();
        await tx.pipelineLayout.upsert({ where: { versionId }, create: { versionId, layout: text, updatedAt }, update: { layout: text, updatedAt }, select: { versionId: true } });
      }),
    );
  }

  /**
   * The layout map stored with `versionId`: null when none was saved (the CLI saves none), else the
   * parsed value — or, for a stored value that is not a layout, the problems with their field paths
   * (the caller lays the graph out itself; the row is left as it is).
   */
  async getLayout(versionId: string): Promise<ParsedLayout | null> {
    const row = await guard({ op: "pipelines.getLayout" }, () => this.db.pipelineLayout.findUnique({ where: { versionId }, select: { layout: true } }));
    if (!row) return null;
    let value: unknown;
    try {
      value = JSON.parse(row.layout);
    } catch {
      return { ok: false, errors: [{ path: "", message: "PipelineLayout.layout holds invalid JSON" }] };
    }
    return parseLayout(value);
  }
}
