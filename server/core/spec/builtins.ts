/**
 * Catalogue of the built-in components (`type: <name>` with no command/image). Pure data shared by
 * validation, the engine (which resolves them to `flowctl component <name>`), the docs and the
 * console's forms. Implementations live in server/sdk/builtins.
 */
import type { ComponentRole } from "./pipeline-spec.schema";

/** A setting a built-in reads from its environment. */
export interface BuiltinEnvVar {
  name: string;
  description: string;
  default?: string;
  unit?: string;
  required?: boolean;
}

/** One built-in component: its `type` name, role, settings. */
export interface BuiltinComponent {
  name: string;
  role: ComponentRole;
  description: string;
  env: readonly BuiltinEnvVar[];
  /** Writes to a database: validation warns when the component has no `batch`. */
  writesToDatabase?: boolean;
  /** A service that must be reachable for the component to run (absent: it runs anywhere). */
  requires?: string;
}

/** Every built-in, in documentation order. */
export const BUILTIN_COMPONENTS: readonly BuiltinComponent[] = [
  {
    name: "load-generator",
    role: "source",
    description: "Generates synthetic events with a unique id and send time, for load tests and latency measurement.",
    env: [
      { name: "EVENTS_PER_SECOND", description: "Target rate; 0 = as fast as downstream accepts.", default: "1000", unit: "events/s" },
      { name: "DURATION_SECONDS", description: "Stop after this long; 0 = forever.", default: "0", unit: "s" },
      { name: "EVENT_COUNT", description: "Stop after this many events; 0 = unlimited.", default: "0", unit: "events" },
      { name: "EVENT_SIZE_BYTES", description: "Payload size of each event.", default: "1024", unit: "bytes" },
      { name: "EVENT_TYPE", description: "Event type written on each event.", default: "flowctl.load.v1" },
    ],
  },
  {
    name: "passthrough",
    role: "processor",
    description: "Forwards events one at a time, in order, optionally spending CPU (WORK_MICROS) or waiting (DELAY_MS) per event.",
    env: [
      { name: "WORK_MICROS", description: "Busy CPU work per event.", default: "0", unit: "µs" },
      { name: "DELAY_MS", description: "Asynchronous wait per event (I/O-bound stage).", default: "0", unit: "ms" },
    ],
  },
  {
    name: "transform",
    role: "processor",
    description: "Applies a JSONata expression to JSON payloads; undefined filters the event out, an array fans out.",
    env: [
      { name: "EXPRESSION", description: "JSONata expression evaluated against the decoded JSON payload.", required: true },
      { name: "OUTPUT_TYPE", description: "Event type of the outputs; default keeps the input's type." },
    ],
  },
  {
    name: "blackhole",
    role: "sink",
    description: "Counts and discards events; DELAY_MS per event or BATCH_DELAY_MS per flush simulate slow writes.",
    env: [
      { name: "DELAY_MS", description: "Wait per event, one at a time (an unbatched INSERT).", default: "0", unit: "ms" },
      { name: "BATCH_DELAY_MS", description: "Wait per flushed batch, one flush at a time (a slow database taking batches).", default: "0", unit: "ms" },
    ],
  },
  {
    name: "file",
    role: "sink",
    description: "Appends events as JSON lines to FILE_PATH, batched, fsync on every flush.",
    env: [{ name: "FILE_PATH", description: "Output file (relative to the pipeline file's directory).", required: true }],
  },
  {
    name: "stdout",
    role: "sink",
    description: "Prints events to standard output.",
    env: [{ name: "PRETTY", description: "Pretty-print JSON payloads.", default: "false" }],
  },
  {
    name: "postgres",
    role: "sink",
    description: "Writes batches to a PostgreSQL table with one multi-row INSERT per flush, in a transaction.",
    writesToDatabase: true,
    requires: "a PostgreSQL server",
    env: [
      { name: "DATABASE_URL", description: "postgres:// URL; else the POSTGRES_* variables are used." },
      { name: "POSTGRES_HOST", description: "Host.", default: "localhost" },
      { name: "POSTGRES_PORT", description: "Port.", default: "5432" },
      { name: "POSTGRES_DB", description: "Database.", default: "postgres" },
      { name: "POSTGRES_USER", description: "User.", default: "postgres" },
      { name: "POSTGRES_PASSWORD", description: "Password." },
      { name: "POSTGRES_SSLMODE", description: "disable | require.", default: "disable" },
      { name: "POSTGRES_MAX_CONNS", description: "Connection pool size.", default: "4" },
      { name: "TABLE", description: "Target table; created if missing.", default: "flowctl_events" },
    ],
  },
];

const BY_NAME = new Map(BUILTIN_COMPONENTS.map((b) => [b.name, b]));

/** The built-in named by a component's `type`, accepting `name` or `flowctl/name`. */
export function findBuiltin(type: string | undefined): BuiltinComponent | undefined {
  if (!type) return undefined;
  return BY_NAME.get(type.startsWith("flowctl/") ? type.slice("flowctl/".length) : type);
}

/** `name@version` / `org/name@version`: flowctl's registry reference syntax. */
export function isRegistryRef(type: string | undefined): boolean {
  return !!type && type.includes("@") && !type.startsWith("/");
}

const DATABASE_TOKEN_RE = /^(postgres(ql)?|pg|mysql|mariadb|sqlite3?|duckdb|clickhouse|database|db|sql|mongo(db)?|cassandra|timescale(db)?|influx(db)?|[a-z]+db|[a-z]+sql)$/i;

/**
 * Whether a name (a `type`, an image or an id) suggests a database-writing component: a
 * built-in flagged `writesToDatabase`, or a name with a database word as one of its
 * `-`/`_`/`/`/`.`-separated parts (`postgres-consumer@v1`, `ghcr.io/x/duckdb-sink:1`).
 * Validation warns when such a sink has no `batch`.
 */
export function looksLikeDatabaseSink(name: string | undefined): boolean {
  if (!name) return false;
  if (findBuiltin(name)?.writesToDatabase) return true;
  const base = name.split("@")[0]!.replace(/:[^/]*$/, "");
  return base.split(/[-_/.]+/).some((token) => DATABASE_TOKEN_RE.test(token));
}
