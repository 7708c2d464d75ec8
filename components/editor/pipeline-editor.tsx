"use client";
/**
 * The visual pipeline editor (`/pipelines/{name}/edit`, `/pipelines/new/edit`): palette, canvas,
 * inspector and a bottom panel (YAML, problems, versions, what-if) over one core session. The
 * YAML stays the source of truth; this layer renders what the core computes and sends it actions.
 */
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { ApiError } from "@/components/api/api-client";
import { Banner } from "@/components/ui/ui";
import { Inspector } from "@/components/inspector/inspector";
import { YamlPanel } from "@/components/yaml-editor/yaml-panel";
import { VersionsPanel } from "@/components/versions/versions-panel";
import { diagnosticTarget, type DiagnosticTarget } from "@/server/core/editor/graph-diagnostics";
import { pruneLayout, type EditorLayout } from "@/server/core/editor/layout-model";
import type { Diagnostic } from "@/server/core/spec/index";
import { EditorCanvas, EMPTY_SELECTION, FIT_VIEW, type Selection } from "./editor-canvas";
import { EditorToolbar } from "./editor-toolbar";
import { pipelineNameOf, pipelineNameProblem, withPipelineName } from "./pipeline-name";
import { Palette, type AddSpec } from "./palette";
import { ProblemsList } from "./problems-list";
import { SaveDialog } from "./save-dialog";
import { deleteSelection, useEditorKeys } from "./use-editor-keys";
import { openEditorSession, useEditorSession } from "./use-editor-session";
import { pipelineExists, usePipelineDetail, useSaveVersion, useStartVersion } from "./use-pipeline-api";
import { useUnsavedGuard } from "./use-unsaved-guard";
import { useWhatIf, WhatIfPanel } from "./what-if-panel";
import "@xyflow/react/dist/style.css";
import styles from "./editor.module.css";

/** What the page hands the editor (server-rendered first paint). */
export interface EditorBootstrap {
  /** null: a new pipeline. */
  pipeline: string | null;
  text: string;
  layout: EditorLayout | null;
  layoutProblems: string[];
  versionId: string | null;
  version: number | null;
}

type Tab = "yaml" | "problems" | "versions" | "what-if";

/** How long a notice (saved, imported, refused paste) stays up. */
const NOTICE_MS = 8_000;

interface Saved {
  text: string;
  layout: EditorLayout;
  versionId: string | null;
  version: number | null;
}

const samePositions = (a: EditorLayout, b: EditorLayout) => JSON.stringify(a.positions) === JSON.stringify(b.positions);

function EditorBody({ boot }: { boot: EditorBootstrap }) {
  const router = useRouter();
  const flow = useReactFlow();
  const fileName = `${boot.pipeline ?? pipelineNameOf(boot.text) ?? "pipeline"}.yaml`;
  const { session, act, reset, current, check, checkNow } = useEditorSession(() => openEditorSession(boot.text, boot.layout), fileName);
  const [saved, setSaved] = useState<Saved>(() => ({ text: session.text, layout: session.layout, versionId: boot.versionId, version: boot.version }));
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const selectionRef = useRef(selection);
  selectionRef.current = selection;
  const [tab, setTab] = useState<Tab>("yaml");
  const [reveal, setReveal] = useState<{ line: number; seq: number } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ refused: Diagnostic[]; error: string | null } | null>(null);
  const [newName, setNewName] = useState(() => pipelineNameOf(boot.text) ?? "");
  const fileInput = useRef<HTMLInputElement>(null);
  // A notice is news, not state: it goes by itself (or on a click) so it never hides the canvas for long.
  useEffect(() => {
    if (notice === null) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const detail = usePipelineDetail(boot.pipeline);
  const saveVersion = useSaveVersion();
  const startVersion = useStartVersion();
  const whatIf = useWhatIf(boot.pipeline, session);

  const dirty = session.text !== saved.text || !samePositions(session.layout, saved.layout);
  const guard = useUnsavedGuard({ pipeline: boot.pipeline, dirty, text: session.text, layout: session.layout, baseVersionId: saved.versionId, initialText: boot.text });

  const select = setSelection;
  const notify = useCallback((m: string) => setNotice(m), []);
  const keys = useEditorKeys({ current, act, selection: () => selectionRef.current, select, notify });

  const focusTarget = useCallback(
    (d: Diagnostic, target: DiagnosticTarget) => {
      if (target.kind === "node" || target.kind === "edge") {
        setSelection(target.kind === "node" ? { nodes: new Set([target.id]), edges: new Set() } : { nodes: new Set(), edges: new Set([target.id]) });
        const node = current().graph.nodes.find((n) => n.id === (target.kind === "node" ? target.id : current().graph.edges.find((e) => e.id === target.id)?.to));
        if (node?.position) void flow.setCenter(node.position.x + 108, node.position.y + 38, { zoom: Math.max(flow.getZoom(), 0.9), duration: 300 });
      }
      if (d.line > 0) setReveal({ line: d.line, seq: Date.now() });
      if (target.kind === "pipeline") setTab("yaml");
    },
    [current, flow],
  );

  const onAdd = useCallback(
    (spec: AddSpec) => {
      const before = new Set(current().graph.nodes.map((n) => n.id));
      const r = act({ type: "edit", op: { kind: "add-component", ...spec }, at: Date.now() });
      if (r.error) return setNotice(r.error.message);
      setSelection({ nodes: new Set(r.session.graph.nodes.filter((n) => !before.has(n.id)).map((n) => n.id)), edges: new Set() });
    },
    [act, current],
  );

  const importText = useCallback(
    async (file: File) => {
      const text = await file.text();
      const r = act({ type: "set-text", text, at: Date.now(), label: `import ${file.name}`, coalesce: false });
      setSelection(EMPTY_SELECTION);
      setNotice(r.session.yamlError ? `${file.name} was imported but is not valid YAML (line ${r.session.yamlError.line}): the graph shows the last valid state` : `Imported ${file.name} (undo restores what was here)`);
      requestAnimationFrame(() => void flow.fitView({ ...FIT_VIEW, duration: 200 }));
    },
    [act, flow],
  );

  const exportText = useCallback(() => {
    const url = URL.createObjectURL(new Blob([current().text], { type: "application/yaml" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }, [current, fileName]);

  const name = boot.pipeline ?? newName;
  const nameProblem = boot.pipeline ? undefined : pipelineNameProblem(newName);

  const openSave = useCallback(() => {
    const c = checkNow();
    // A new pipeline is saved under the name its YAML carries now (typed or imported since), so the
    // name field and metadata.name never disagree.
    if (!boot.pipeline) setNewName((n) => pipelineNameOf(current().text) ?? n);
    setDialog({ refused: c.canSave ? [] : c.blocking, error: null });
    if (!c.canSave) setTab("problems");
  }, [boot.pipeline, checkNow, current]);

  const doSave = useCallback(
    async (message: string) => {
      const s = current();
      try {
        if (!boot.pipeline && (await pipelineExists(name))) {
          return setDialog({ refused: [], error: `A pipeline named “${name}” already exists: choose another name, or open it from the pipelines page.` });
        }
        const layout = pruneLayout(s.layout, s.graph.nodes.map((n) => n.id));
        const r = await saveVersion.mutateAsync({ name, yaml: s.text, message, layout });
        setSaved({ text: s.text, layout: s.layout, versionId: r.version.id, version: r.version.version });
        guard.clear();
        setDialog(null);
        setNotice(r.created ? `Saved version ${r.version.version}` : `No change to the YAML: version ${r.version.version} kept, positions saved`);
        if (!boot.pipeline) router.replace(`/pipelines/${encodeURIComponent(name)}/edit`);
      } catch (err) {
        if (err instanceof ApiError && err.diagnostics.length > 0) setDialog({ refused: err.diagnostics.filter((d) => d.severity === "error"), error: null });
        else setDialog({ refused: [], error: (err as Error).message });
      }
    },
    [boot.pipeline, current, guard, name, router, saveVersion],
  );

  const activeRunId = detail.data?.activeRunId ?? null;
  const runVersion = useCallback(() => {
    if (!boot.pipeline || !saved.versionId) return;
    startVersion.mutate(
      { name: boot.pipeline, versionId: saved.versionId, redeploy: activeRunId !== null },
      { onSuccess: (r) => router.push(`/runs/${r.runId}`), onError: (err) => setNotice((err as Error).message) },
    );
  }, [activeRunId, boot.pipeline, router, saved.versionId, startVersion]);

  const onDropFile = useCallback(
    (e: DragEvent) => {
      const file = [...e.dataTransfer.files].find((f) => /\.(ya?ml|txt)$/i.test(f.name) || f.type.includes("yaml"));
      if (!file) return;
      e.preventDefault();
      void importText(file);
    },
    [importText],
  );

  const history = session.history;
  const errors = check.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = check.diagnostics.filter((d) => d.severity === "warning").length;
  const hints = check.diagnostics.length - errors - warnings;
  const runLabel = saved.version ? `${activeRunId ? "Redeploy" : "Run"} v${saved.version}` : "Run";
  const runTitle = !boot.pipeline || !saved.versionId ? "Save the pipeline first" : dirty ? "Save your changes first: Run starts the saved version" : activeRunId ? `Stop the run in progress and start v${saved.version}` : `Start v${saved.version} and open its live view`;

  const problemTabLabel = useMemo(() => `Problems${check.diagnostics.length > 0 ? ` (${check.diagnostics.length})` : ""}`, [check.diagnostics.length]);

  return (
    <div className={styles.editor} onDragOver={(e) => e.dataTransfer.types.includes("Files") && e.preventDefault()} onDrop={onDropFile} data-testid="pipeline-editor" data-dirty={dirty ? "true" : "false"}>
      <EditorToolbar
        title={boot.pipeline ? <>Edit {boot.pipeline}</> : <>New pipeline</>}
        status={
          <>
            <span data-testid="editor-version">{saved.version ? `version ${saved.version}` : "not saved yet"}</span>
            {dirty && (
              <span className={styles.dirty} data-testid="unsaved">
                unsaved changes
              </span>
            )}
            <span className={styles.counts} data-testid="problem-counts" data-errors={errors}>
              {errors} error(s), {warnings} warning(s){hints > 0 ? `, ${hints} hint(s)` : ""}
            </span>
            {session.yamlError && (
              <span className={styles.yamlBroken} title={session.yamlError.message}>
                YAML line {session.yamlError.line}: {session.yamlError.message}
              </span>
            )}
          </>
        }
        canUndo={history.past.length > 0}
        canRedo={history.future.length > 0}
        undoLabel={history.past.length > 0 ? history.present.label : undefined}
        redoLabel={history.future[0]?.label}
        onUndo={() => act({ type: "undo" })}
        onRedo={() => act({ type: "redo" })}
        onLayout={() => {
          act({ type: "edit", op: { kind: "auto-layout" }, at: Date.now() });
          requestAnimationFrame(() => void flow.fitView({ ...FIT_VIEW, duration: 250 }));
        }}
        onFit={() => void flow.fitView({ ...FIT_VIEW, duration: 250 })}
        onImport={() => fileInput.current?.click()}
        onExport={exportText}
        onSave={openSave}
        saving={saveVersion.isPending}
        errorCount={errors}
        run={{ label: runLabel, title: runTitle, onClick: boot.pipeline && saved.versionId && !dirty ? runVersion : undefined, pending: startVersion.isPending, redeploy: activeRunId !== null }}
      />
      <input ref={fileInput} type="file" accept=".yaml,.yml,application/yaml,text/yaml,text/plain" hidden data-testid="import-file" onChange={(e) => e.target.files?.[0] && void importText(e.target.files[0]).finally(() => (e.target.value = ""))} />
      {guard.offered && (
        <Banner tone="warn">
          <span data-testid="draft-offer">
            Unsaved changes from {new Date(guard.offered.savedAt).toLocaleString()} were kept in this browser
            {guard.offered.baseVersionId && guard.offered.baseVersionId !== saved.versionId ? " (made on an older version)" : ""}.{" "}
          </span>
          <button
            type="button"
            className={styles.linkButton}
            onClick={() => {
              reset(openEditorSession(guard.offered!.text, guard.offered!.layout));
              guard.settle(true);
            }}
          >
            Restore them
          </button>{" "}
          <button type="button" className={styles.linkButton} onClick={() => guard.settle(false)}>
            Discard
          </button>
        </Banner>
      )}
      {boot.layoutProblems.length > 0 && <Banner tone="warn">The stored positions of this version were ignored ({boot.layoutProblems.join("; ")}): the graph was laid out again.</Banner>}
      {notice && (
        <div className={styles.notice} role="status" data-testid="editor-notice" onClick={() => setNotice(null)}>
          {notice}
        </div>
      )}
      <div className={styles.workspace}>
        <Palette onAdd={onAdd} />
        <div className={styles.center}>
          <EditorCanvas graph={session.graph} check={check} capacity={whatIf.badges} selection={selection} onSelection={select} act={act} />
          <div className={styles.bottom}>
            <div className={styles.tabs} role="tablist">
              {(
                [
                  ["yaml", "YAML"],
                  ["problems", problemTabLabel],
                  ["versions", "Versions"],
                  ["what-if", "What-if"],
                ] as const
              ).map(([id, label]) => (
                <button key={id} type="button" role="tab" aria-selected={tab === id} className={tab === id ? styles.tabActive : styles.tab} onClick={() => setTab(id)} data-testid={`tab-${id}`} data-errors={id === "problems" ? errors : undefined}>
                  {label}
                </button>
              ))}
            </div>
            <div className={styles.tabBody}>
              <div hidden={tab !== "yaml"} className={styles.fill}>
                <YamlPanel
                  text={session.text}
                  diagnostics={check.text === session.text ? check.diagnostics : []}
                  yamlError={session.yamlError}
                  onChange={(text) => act({ type: "set-text", text, at: Date.now() })}
                  onUndo={() => act({ type: "undo" })}
                  onRedo={() => act({ type: "redo" })}
                  reveal={reveal}
                />
              </div>
              {tab === "problems" && <ProblemsList placed={check.placed.placed} onFocus={focusTarget} />}
              {tab === "versions" && (
                <VersionsPanel
                  pipeline={boot.pipeline}
                  versions={detail.data?.versions ?? []}
                  current={{ text: session.text, layout: session.layout }}
                  savedVersionId={saved.versionId}
                  dirty={dirty}
                  onRestored={(text, layout, versionId, version) => {
                    const restored = openEditorSession(text, layout);
                    reset(restored);
                    setSelection(EMPTY_SELECTION);
                    setSaved({ text: restored.text, layout: restored.layout, versionId, version });
                    setNotice(`Restored as version ${version}`);
                  }}
                />
              )}
              {tab === "what-if" && <WhatIfPanel state={whatIf} />}
            </div>
          </div>
        </div>
        <Inspector
          session={session}
          byNode={check.placed.byNode}
          byEdge={check.placed.byEdge}
          pipelineProblems={check.placed.pipeline}
          nodes={[...selection.nodes]}
          edges={[...selection.edges]}
          act={act}
          onRenamed={(_from, to) => setSelection({ nodes: new Set([to]), edges: new Set() })}
          onDeleteSelection={() => deleteSelection({ current, act, selection: () => selectionRef.current, select })}
          onCopySelection={keys.copy}
          replicasHint={whatIf.replicasHint}
        />
      </div>
      {dialog && (
        <SaveDialog
          nextVersion={(detail.data?.latestVersion ?? saved.version ?? 0) + 1}
          {...(!boot.pipeline
            ? {
                name: newName,
                nameProblem,
                onName: (n: string) => {
                  setNewName(n);
                  const text = withPipelineName(current().text, n);
                  if (text !== undefined && text !== current().text) act({ type: "set-text", text, at: Date.now(), label: "pipeline name" });
                },
              }
            : {})}
          refused={dialog.refused}
          error={dialog.error}
          saving={saveVersion.isPending}
          onSave={(m) => void doSave(m)}
          onClose={() => setDialog(null)}
          onFocus={(d) => {
            setDialog(null);
            focusTarget(d, diagnosticTarget(current().graph, d.path));
          }}
        />
      )}
    </div>
  );
}

/** The editor with its React Flow context (the toolbar's fit view and the canvas share it). */
export function PipelineEditor({ boot }: { boot: EditorBootstrap }) {
  return (
    <ReactFlowProvider>
      <EditorBody boot={boot} />
    </ReactFlowProvider>
  );
}
