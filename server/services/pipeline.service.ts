/**
 * Saved pipelines: list with their latest run and live rate, detail with versions and runs, and
 * saving YAML as a new version — through the same `validate()` as `flowctl validate`, so invalid
 * YAML is refused with every diagnostic and nothing stored changes.
 */
import { graphFromYaml } from "../core/editor/editor-graph";
import { pruneLayout, type EditorLayout } from "../core/editor/layout-model";
import { NotFoundError } from "../core/errors";
import type { Diagnostic } from "../core/spec/diagnostics";
import { hasErrors } from "../core/spec/diagnostics";
import { loadPipeline } from "../core/spec/load-pipeline";
import { YamlSource } from "../core/spec/yaml-source";
import type { PipelineRecord, PipelineVersionRecord } from "../core/pipeline";
import type { Store } from "../storage/store";
import type { PipelineDetail, PipelineListItem, PipelineVersionDetail, PipelineVersionItem, VersionLayout } from "./api-types";
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
  /** The layout stored with the version (positions of components it lacks dropped); null when none was given. */
  layout: EditorLayout | null;
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
    return { ...toVersionItem(v), pipelineName: v.pipelineName, yaml: v.yaml, graph: graphOfYaml(v.yaml), ...(await this.layoutOfVersion(v.id)) };
  }

  /** The editor's layout map of one version (null when none was saved). */
  async layout(name: string, versionId: string): Promise<VersionLayout> {
    const v = await this.store.pipelines.getVersion(versionId);
    if (!v || v.pipelineName !== name) throw new NotFoundError(`version of pipeline ${JSON.stringify(name)}`, versionId);
    return this.layoutOfVersion(versionId);
  }

  /** Replaces the layout of a saved version (positions only: the YAML and its version stay). */
  async saveLayout(name: string, versionId: string, layout: EditorLayout): Promise<VersionLayout> {
    const v = await this.store.pipelines.getVersion(versionId);
    if (!v || v.pipelineName !== name) throw new NotFoundError(`version of pipeline ${JSON.stringify(name)}`, versionId);
    const pruned = prunedLayout(v.yaml, layout);
    await this.store.pipelines.saveLayout(versionId, pruned);
    return { layout: pruned, layoutProblems: [] };
  }

  private async layoutOfVersion(versionId: string): Promise<VersionLayout> {
    const stored = await this.store.pipelines.getLayout(versionId);
    if (!stored) return { layout: null, layoutProblems: [] };
    // A stored value that is not a layout is reported and ignored (the editor lays the graph out).
    return stored.ok ? { layout: stored.layout, layoutProblems: [] } : { layout: null, layoutProblems: stored.errors.map((e) => `layout${e.path ? `.${e.path}` : ""}: ${e.message}`) };
  }

  /**
   * Validates `yaml` and stores it as the next version of `name`. Refused (nothing stored) when it
   * has errors, when `metadata.name` is not `name`, or when the console's execution policy forbids it.
   */
  async save(name: string, yaml: string, message?: string, layout?: EditorLayout): Promise<SavedVersion> {
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
    // Unchanged YAML returns the newest version: its positions are still overwritten (a drag is
    // worth keeping, and is no reason for a new version).
    const stored = layout ? prunedLayout(yaml, layout) : null;
    if (stored) await this.store.pipelines.saveLayout(saved.id, stored);
    return { version: toVersionItem(saved), created: before?.id !== saved.id, diagnostics: problems, layout: stored };
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

/** Only the positions of components `yaml` has (the graph's ids). */
function prunedLayout(yaml: string, layout: EditorLayout): EditorLayout {
  const g = graphFromYaml(yaml);
  return g.ok ? pruneLayout(layout, g.graph.nodes.map((n) => n.id)) : layout;
}
