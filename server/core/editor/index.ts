/**
 * The visual editor's core, free of React and IO: the graph derived from the YAML, edit
 * operations on the `yaml` Document that keep the user's formatting, connection rules, undo/redo,
 * diagnostics on the graph, version diff, layout, what-if from the last run and the inspector's
 * form model. Model and rationale: docs/editor.md. Import from here.
 */
export { graphFromDocument, graphFromYaml, edgeId, nodeIndex, type EditorGraph, type EditorNode, type EditorEdge, type NodeKind, type GraphFromYaml } from "./editor-graph";
export { editOpSchema, clipboardSchema, componentOriginSchema, type EditOp, type EditKind, type EditError, type EditErrorCode, type Clipboard } from "./edit-op";
export { applyEdit, type EditOutcome } from "./apply-edit";
export { canConnect, type ConnectVerdict, type ConnectRefusal } from "./connection-rules";
export { copyComponents, parseClipboard, type ParsedClipboard } from "./clipboard";
export { uniqueId } from "./component-edits";
export { openSession, dispatch, describeOp, sessionDocument, type EditorSession, type EditorAction, type EditorSnapshot, type DispatchResult, type OpenSessionOptions, type YamlError } from "./editor-session";
export { checkSession, newPipelineText, type SessionCheck } from "./session-checks";
export { createHistory, recordChange, undo, redo, canUndo, canRedo, type History, type HistoryEntry, type HistoryOptions } from "./history";
export { mapDiagnostics, diagnosticTarget, worstSeverity, type GraphDiagnostics, type DiagnosticTarget } from "./graph-diagnostics";
export { diffVersions, diffGraph, type VersionDiff, type FieldChange, type ComponentChange, type DiffGraph, type DiffStatus } from "./version-diff";
export { diffLines, diffSequences, groupDiff, splitLines, type DiffLine, type Hunk } from "./line-diff";
export { mergeEdit } from "./text-merge";
export { autoLayout, placeNewNodes, type LayoutOptions } from "./auto-layout";
export { layoutSchema, parseLayout, emptyLayout, pruneLayout, withPositions, type EditorLayout, type Position, type ParsedLayout } from "./layout-model";
export { nodeCapacities, whatIf, configuredSourceLimits, type MeasuredComponent, type RunMeasurements, type NodeCapacity, type WhatIfOptions, type WhatIfResult, type WhatIfNode, type WhatIfLimit, type CapacityConfidence } from "./what-if";
export { componentFormFields, builtinEnvFields, validateComponentField, validateEnvValue, type FormField, type FieldKind, type EnvField } from "./form-model";
export { parsePipelineDocument, detectStyle } from "./yaml-document";
