/**
 * Every change the canvas and the inspector can make, as one discriminated union. Ops coming over
 * a boundary (the console's API, a stored draft) are parsed with {@link editOpSchema}; in-process
 * callers build them directly. Node references are graph ids (editor-graph.ts).
 */
import { z } from "zod";
import { COMPONENT_ROLES } from "../spec/index";
import type { ConnectRefusal } from "./connection-rules";

const positionSchema = z.object({ x: z.number().finite(), y: z.number().finite() });
const pathSegment = z.union([z.string().min(1), z.number().int().min(0)]);
const envValue = z.union([z.string(), z.number(), z.boolean()]);

/** Where an added component comes from: a built-in of the catalogue, or a custom command or image. */
export const componentOriginSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("builtin"), name: z.string().min(1) }),
  z.object({ kind: z.literal("command"), command: z.array(z.string()).min(1), args: z.array(z.string()).optional(), type: z.string().min(1).optional() }),
  z.object({ kind: z.literal("image"), image: z.string().min(1), type: z.string().min(1).optional() }),
]);

/** The clipboard format of copy/paste (also what goes to the system clipboard, as JSON). */
export const clipboardSchema = z.object({
  format: z.literal("flowctl.editor.clipboard/v1"),
  components: z.array(
    z.object({
      role: z.enum(COMPONENT_ROLES),
      /** The component as plain data (`id`, `type`, `inputs`, `env`, …). */
      component: z.record(z.string(), z.unknown()),
      position: positionSchema.optional(),
    }),
  ),
});

/** Copied components. */
export type Clipboard = z.infer<typeof clipboardSchema>;

/** One edit of the pipeline (or of its layout). */
export const editOpSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("add-component"),
    role: z.enum(COMPONENT_ROLES),
    origin: componentOriginSchema,
    /** Default: the built-in's name (or the role), made unique with `-2`, `-3`, … */
    id: z.string().optional(),
    /** Extra or overriding env values. */
    env: z.record(z.string(), envValue).optional(),
    inputs: z.array(z.string()).optional(),
    /** Write the built-in's documented defaults into `env` (and `batch` for database sinks). @default true */
    withDefaults: z.boolean().optional(),
    position: positionSchema.optional(),
  }),
  z.object({
    kind: z.literal("delete"),
    nodes: z.array(z.string()).default([]),
    edges: z.array(z.object({ from: z.string(), to: z.string() })).default([]),
  }),
  z.object({ kind: z.literal("connect"), from: z.string(), to: z.string() }),
  z.object({ kind: z.literal("disconnect"), from: z.string(), to: z.string() }),
  z.object({ kind: z.literal("rename"), id: z.string(), newId: z.string() }),
  z.object({
    kind: z.literal("set-field"),
    id: z.string(),
    /** Path inside the component, e.g. `["env", "FILE_PATH"]`, `["queue", "capacity"]`, `["replicas"]`. */
    path: z.array(pathSegment).min(1),
    value: z.json(),
  }),
  z.object({ kind: z.literal("unset-field"), id: z.string(), path: z.array(pathSegment).min(1) }),
  z.object({
    kind: z.literal("rename-key"),
    id: z.string(),
    /** The mapping holding the key, e.g. `["env"]`. */
    path: z.array(pathSegment).min(1),
    from: z.string().min(1),
    to: z.string().min(1),
  }),
  z.object({ kind: z.literal("paste"), clipboard: clipboardSchema, offset: positionSchema.optional() }),
  z.object({ kind: z.literal("move"), positions: z.record(z.string(), positionSchema) }),
  z.object({ kind: z.literal("auto-layout") }),
]);

/** An edit as built in-process (defaults optional). */
export type EditOp = z.input<typeof editOpSchema>;
/** The `kind` of an edit. */
export type EditKind = EditOp["kind"];

/** Why an edit was refused (nothing was changed). */
export type EditErrorCode =
  | "edit.invalid"
  | "edit.yaml-invalid"
  | "edit.not-a-pipeline"
  | "node.not-found"
  | "edge.not-found"
  | "id.invalid"
  | "id.duplicate"
  | "field.reserved"
  | "field.not-a-mapping"
  | "key.not-found"
  | "key.duplicate"
  | "builtin.unknown"
  | "builtin.wrong-role"
  | ConnectRefusal;

/** A refused edit: a code, a sentence for the user, and the op field at fault when there is one. */
export interface EditError {
  code: EditErrorCode;
  message: string;
  field?: string;
}
