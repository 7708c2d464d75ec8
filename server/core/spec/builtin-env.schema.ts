/**
 * The settings (env) of each built-in component as zod schemas: the components parse their env
 * with these at start-up (server/sdk/builtins), and `flowctl validate` checks the YAML's env
 * against the same schemas, so `EVENTS_PER_SECOND: fast` is an error at file:line before anything
 * starts. Descriptions, defaults and units for docs and forms stay in builtins.ts.
 */
import { z } from "zod";
import { envFields } from "./env-fields";

const POSTGRES_IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

/** load-generator: rate, duration, count, size and type of the synthetic events. */
export const loadGeneratorEnvSchema = z.object({
  EVENTS_PER_SECOND: z.coerce.number({ message: "must be a number" }).min(0, "must be ≥ 0 (0 = unthrottled)").default(1000),
  DURATION_SECONDS: z.coerce.number({ message: "must be a number" }).min(0, "must be ≥ 0 (0 = forever)").default(0),
  EVENT_COUNT: envFields.nonNegativeInt.default(0),
  EVENT_SIZE_BYTES: envFields.nonNegativeInt.max(16 * 1024 * 1024, "must be ≤ 16 MiB").default(1024),
  EVENT_TYPE: z.string().trim().min(1, "must not be empty").default("flowctl.load.v1"),
});

/** passthrough: CPU work and asynchronous delay per event. */
export const passthroughEnvSchema = z.object({
  WORK_MICROS: envFields.nonNegativeNumber.default(0),
  DELAY_MS: envFields.nonNegativeNumber.default(0),
});

/** transform: the JSONata expression (compiled by the component) and the output type. */
export const transformEnvSchema = z.object({
  EXPRESSION: z.string({ message: "is required (a JSONata expression)" }).trim().min(1, "is required (a JSONata expression)"),
  OUTPUT_TYPE: z.string().trim().optional(),
});

/** blackhole: simulated per-event and per-flush write time. */
export const blackholeEnvSchema = z.object({
  DELAY_MS: envFields.nonNegativeNumber.default(0),
  BATCH_DELAY_MS: envFields.nonNegativeNumber.default(0),
});

/** file: where the JSON lines go. */
export const fileEnvSchema = z.object({
  FILE_PATH: z.string({ message: "is required (output file path)" }).trim().min(1, "is required (output file path)"),
});

/** stdout: pretty-printing. */
export const stdoutEnvSchema = z.object({ PRETTY: envFields.bool.default(false) });

/** postgres: connection (URL or flowctl's POSTGRES_* variables), pool size and table. */
export const postgresEnvSchema = z.object({
  DATABASE_URL: z.string().trim().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL").optional(),
  POSTGRES_HOST: z.string().trim().default("localhost"),
  POSTGRES_PORT: envFields.portNumber.default(5432),
  POSTGRES_DB: z.string().trim().default("postgres"),
  POSTGRES_USER: z.string().trim().default("postgres"),
  POSTGRES_PASSWORD: z.string().optional(),
  POSTGRES_SSLMODE: z.enum(["disable", "require", "verify-full"], { message: "must be disable, require or verify-full" }).default("disable"),
  POSTGRES_MAX_CONNS: envFields.positiveInt.max(100, "must be ≤ 100").default(4),
  TABLE: z.string().trim().regex(POSTGRES_IDENT, "must be a table name (letters, digits, _; optionally schema.table)").default("flowctl_events"),
});

/** Each built-in's env schema, by `type` name. */
export const BUILTIN_ENV_SCHEMAS = {
  "load-generator": loadGeneratorEnvSchema,
  passthrough: passthroughEnvSchema,
  transform: transformEnvSchema,
  blackhole: blackholeEnvSchema,
  file: fileEnvSchema,
  stdout: stdoutEnvSchema,
  postgres: postgresEnvSchema,
} as const satisfies Record<string, z.ZodObject>;
