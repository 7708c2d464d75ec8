/**
 * Saved pipelines: list with their latest run and live rate, detail with versions and runs, and
 * saving YAML as a new version — through the same `validate()` as `flowctl validate`, so invalid
 * YAML is refused with every diagnostic and nothing stored changes.
 */
import { NotFoundError } from "../core/errors";
import type { Diagnostic } from "../core/spec/diagnostics";
import { hasErrors } from "../core/spec/diagnostics";
import { loadPipeline } from "../core/spec/load-pipeline";
import { YamlSource } from "../core/spec/yaml-source";
import type { PipelineRecord, PipelineVersionRecord } from "../core/pipeline";
import type { Store } from "../storage/store";
import type { PipelineDetail, PipelineListItem, PipelineVersionDetail, PipelineVersionItem } from "./api-types";
import { checkExecutionPolicy, type ExecutionPolicy } from "./execution-policy";
import { graphOfYaml } from "./pipeline-graph";
import type { RunService } from "./run.service";
import { ValidationFailedError } from "./validation-error";

/** Result of {@link PipelineService.save}. */
export interface SavedVersion {
  version: PipelineVersionItem;
  /** False when the YAML equals the newest version (nothing new was stored). */
  created: boolean;
  /** Warnings and hints of the saved YAML. */
  diagnostics: Diagnostic[];
}

/** See the module comment. */
export class PipelineService {
  constructor(
    private readonly store: Store,
    private readonly runs: RunService,
    private readonly policy: ExecutionPolicy,
  ) {}

  /** Every pipeline with its newest version, latest run and live state. */
  async list(): Promise<PipelineListItem[]> {
    const pipelines = await this.store.pipelines.list();
    return Promise.all(pipelines.map((p) => this.overview(p)));
  }

  /** One pipeline: newest version's YAML and graph, its versions and recent runs. */
  async get(name: string): Promise<PipelineDetail> {
    const p = await this.store.pipelines.get(name);
    if (!p) throw new NotFoundError("pipeline", name);
    const [overview, versions, latest, runs] = await Promise.all([this.overview(p), this.store.pipelines.listVersions(name), this.store.pipelines.latestVersion(name), this.runs.list({ pipeline: name, limit: 20 })]);
    const yaml = latest?.yaml ?? "";
    return { ...overview, yaml, graph: graphOfYaml(yaml) ?? { nodes: [], edges: [] }, versions: versions.map(toVersionItem), runs };
  }

  async versions(name: string): Promise<PipelineVersionItem[]> {
    return (await this.store.pipelines.listVersions(name)).map(toVersionItem);
  }

  async version(name: string, id: string): Promise<PipelineVersionDetail> {
    const v = await this.store.pipelines.getVersion(id);
    if (!v || v.pipelineName !== name) throw new NotFoundError(`version of pipeline ${JSON.stringify(name)}`, id);
    return { ...toVersionItem(v), pipelineName: v.pipelineName, yaml: v.yaml, graph: graphOfYaml(v.yaml) };
  }

  /**
   * Validates `yaml` and stores it as the next version of `name`. Refused (nothing stored) when it
   * has errors, when `metadata.name` is not `name`, or when the console's execution policy forbids it.
   */
  async save(name: string, yaml: string, message?: string): Promise<SavedVersion> {
    const file = `pipelines/${name}.yaml`;
    const loaded = loadPipeline(yaml, { file });
    const problems = [...loaded.diagnostics];
    if (loaded.spec && loaded.spec.metadata.name !== name) {
      const pos = new YamlSource(yaml).positionOf(["metadata", "name"]);
      problems.push({
        severity: "error",
        code: "console.name-mismatch",
        message: `metadata.name is ${JSON.stringify(loaded.spec.metadata.name)} but the pipeline is saved as ${JSON.stringify(name)}`,
        path: "metadata.name",
        ...pos,
        file,
        fix: `set metadata.name: ${name}, or save it under ${JSON.stringify(loaded.spec.metadata.name)}`,
      });
    }
    if (loaded.pipeline) problems.push(...checkExecutionPolicy(loaded.pipeline, yaml, this.policy, file));
    if (hasErrors(problems)) throw new ValidationFailedError(`${file} was not saved`, problems);
    const before = await this.store.pipelines.latestVersion(name);
    const saved = await this.store.pipelines.saveVersion(name, yaml, message ?? null);
    return { version: toVersionItem(saved), created: before?.id !== saved.id, diagnostics: problems };
  }

  private async overview(p: PipelineRecord): Promise<PipelineListItem> {
    const [latest, runs] = await Promise.all([this.store.pipelines.latestVersion(p.name), this.runs.list({ pipeline: p.name, limit: 1 })]);
    const activeRunId = this.runs.activeRunOf(p.name) ?? null;
    const live = activeRunId ? this.runs.live(activeRunId) : undefined;
    const stats = live?.latestStats();
    const loaded = latest ? loadPipeline(latest.yaml) : undefined;
    return {
      name: p.name,
      description: loaded?.spec?.metadata.description ?? null,
      latestVersion: p.latestVersion,
      latestVersionId: latest?.id ?? null,
      updatedAt: p.updatedAt.toISOString(),
      componentCount: loaded?.pipeline?.components.length ?? 0,
      latestRun: runs[0] ?? null,
      activeRunId,
      sparkline: live?.sparkline() ?? [],
      bottleneck: runs[0]?.verdict ?? null,
      rate: stats?.sinkRate ?? null,
      health: stats ? { healthy: stats.components.filter((c) => c.health === "HEALTHY").length, total: stats.components.length } : null,
    };
  }
}

function toVersionItem(v: PipelineVersionRecord): PipelineVersionItem {
  return { id: v.id, version: v.version, message: v.message, createdAt: v.createdAt.toISOString(), contentHash: v.contentHash };
}
