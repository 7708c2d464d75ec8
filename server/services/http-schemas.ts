/** zod schemas of the console's HTTP API inputs (query strings, bodies, path parameters). */
import { z } from "zod";
import { layoutSchema } from "../core/editor/layout-model";
import { RUN_STATUSES } from "../core/run";
import { parseDuration } from "../core/units";

/** A pipeline name in a path: what metadata.name may be. */
export const pipelineNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-', starting with a letter or digit");

/** A run id or a unique prefix of one. */
export const runIdSchema = z.string().min(4).max(64).regex(/^[0-9a-fA-F-]+$/, "a run id (hex and dashes)");

export const runListQuerySchema = z.object({
  pipeline: pipelineNameSchema.optional(),
  /** Comma-separated statuses, any case. */
  status: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return [];
      const list = s.split(",").map((x) => x.trim().toUpperCase()).filter(Boolean);
      const bad = list.filter((x) => !(RUN_STATUSES as readonly string[]).includes(x));
      if (bad.length > 0) ctx.addIssue({ code: "custom", message: `unknown status ${bad.join(", ")} (one of ${RUN_STATUSES.join(", ")})` });
      return list as (typeof RUN_STATUSES)[number][];
    }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const startRunBodySchema = z.object({ versionId: z.string().min(1).max(64).optional() }).strict();

export const savePipelineQuerySchema = z.object({ message: z.string().max(500).optional() });

/** Largest pipeline YAML the API accepts. */
export const MAX_PIPELINE_BYTES = 1024 * 1024;

/** The editor's node positions (a layout map; never part of the YAML). */
export { layoutSchema };

/** `PUT /api/pipelines/{name}` as JSON: the YAML with its message and the editor's layout. */
export const savePipelineBodySchema = z
  .object({
    yaml: z.string(),
    message: z.string().max(500).optional(),
    layout: layoutSchema.optional(),
  })
  .strict();

/** A pipeline version id in a path. */
export const versionIdSchema = z.string().min(1).max(64);

export const logsQuerySchema = z.object({ tail: z.coerce.number().int().min(1).max(5000).default(200) });

export const diagnosisQuerySchema = z.object({
  window: z
    .string()
    .transform((s, ctx) => {
      const ms = parseDuration(s);
      if (ms === undefined || ms <= 0) ctx.addIssue({ code: "custom", message: `invalid duration ${JSON.stringify(s)} (use e.g. 10s or 1m)` });
      return ms ?? 0;
    })
    .optional(),
});

export const momentQuerySchema = z.object({ at: z.coerce.number().int().positive() });

export const componentParamSchema = z.string().min(1).max(253).regex(/^[A-Za-z0-9._-]+$/, "a component or instance id");
