/** Saved pipelines: a name and its immutable, numbered versions (every save is a new version). */

export interface PipelineRecord {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  /** Number of the newest version (1-based); 0 when the pipeline has none yet. */
  latestVersion: number;
}

export interface PipelineVersionRecord {
  id: string;
  pipelineName: string;
  /** 1-based, increasing per pipeline. */
  version: number;
  yaml: string;
  /** sha256 hex of the YAML text. */
  contentHash: string;
  message: string | null;
  createdAt: Date;
}
