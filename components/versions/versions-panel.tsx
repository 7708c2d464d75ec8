"use client";
/**
 * A pipeline's versions: pick two to diff (YAML and graph), diff one with what the editor holds,
 * or restore one as a new version (history is never rewritten).
 */
import { useState } from "react";
import { TimeAgo } from "@/components/ui/time-ago";
import { Button } from "@/components/ui/ui";
import { fetchVersion, useSaveVersion } from "@/components/editor/use-pipeline-api";
import type { EditorLayout } from "@/server/core/editor/layout-model";
import type { PipelineVersionItem } from "@/server/services/api-types";
import { VersionDiffView, type DiffSide } from "./version-diff-view";
import styles from "./versions.module.css";

export interface VersionsPanelProps {
  pipeline: string | null;
  versions: readonly PipelineVersionItem[];
  current: { text: string; layout: EditorLayout };
  savedVersionId: string | null;
  dirty: boolean;
  onRestored: (text: string, layout: EditorLayout | null, versionId: string, version: number) => void;
}

export function VersionsPanel({ pipeline, versions, current, savedVersionId, dirty, onRestored }: VersionsPanelProps) {
  const [picked, setPicked] = useState<string[]>([]);
  const [diff, setDiff] = useState<{ from: DiffSide; to: DiffSide } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = useSaveVersion();
  if (!pipeline) return <p className={styles.note}>Save the pipeline to start its version history.</p>;

  const side = async (id: string): Promise<DiffSide> => {
    const v = await fetchVersion(pipeline, id);
    return { label: `v${v.version}`, text: v.yaml, layout: v.layout };
  };
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const compare = () =>
    run(async () => {
      const [a, b] = [...picked].sort((x, y) => (versions.find((v) => v.id === x)?.version ?? 0) - (versions.find((v) => v.id === y)?.version ?? 0));
      setDiff({ from: await side(a!), to: await side(b!) });
    });
  const withEditor = (id: string) => run(async () => setDiff({ from: await side(id), to: { label: dirty ? "editor (unsaved)" : "editor", text: current.text, layout: current.layout } }));
  const restore = (v: PipelineVersionItem) =>
    run(async () => {
      if (dirty && !window.confirm(`Restore v${v.version}? Your unsaved changes are replaced (a draft stays in this browser).`)) return;
      const old = await fetchVersion(pipeline, v.id);
      const saved = await save.mutateAsync({ name: pipeline, yaml: old.yaml, message: `restore v${v.version}`, layout: old.layout ?? { version: 1, positions: {} } });
      onRestored(old.yaml, old.layout, saved.version.id, saved.version.version);
    });
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));

  return (
    <div className={styles.panel} data-testid="versions-panel">
      <div className={styles.bar}>
        <Button size="small" variant="primary" disabled={picked.length !== 2 || busy} onClick={() => void compare()} data-testid="compare-versions">
          {picked.length === 2 ? `Compare ${picked.map((id) => `v${versions.find((v) => v.id === id)?.version}`).join(" and ")}` : "Pick two versions to compare"}
        </Button>
        {error && (
          <span className={styles.error} role="alert">
            {error}
          </span>
        )}
      </div>
      <table>
        <thead>
          <tr>
            <th />
            <th>version</th>
            <th>saved</th>
            <th>message</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} data-version={v.version}>
              <td>
                <input type="checkbox" checked={picked.includes(v.id)} onChange={() => toggle(v.id)} aria-label={`Pick v${v.version}`} />
              </td>
              <td>
                v{v.version}
                {v.id === savedVersionId && <span className={styles.here}>in editor</span>}
              </td>
              <td className="muted">
                <TimeAgo iso={v.createdAt} />
              </td>
              <td>{v.message ?? <span className="muted">—</span>}</td>
              <td className={styles.rowActions}>
                <Button size="small" onClick={() => void withEditor(v.id)} disabled={busy}>
                  Diff with editor
                </Button>
                <Button size="small" onClick={() => void restore(v)} disabled={busy || v.id === savedVersionId} aria-label={`Restore v${v.version}`}>
                  Restore
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {diff && <VersionDiffView from={diff.from} to={diff.to} onClose={() => setDiff(null)} />}
    </div>
  );
}
