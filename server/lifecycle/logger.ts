/** stderr logger implementing core's Logger: `HH:MM:SS.mmm LEVEL msg key=value…`, or JSON lines. */
import pc from "picocolors";
import { LOG_LEVELS, type Logger, type LogLevel } from "../core/logger";

const COLOR: Record<LogLevel, (s: string) => string> = { debug: pc.gray, info: pc.cyan, warn: pc.yellow, error: pc.red };

export interface LoggerOptions {
  level?: LogLevel;
  json?: boolean;
  fields?: Record<string, unknown>;
  /** Where lines go; defaults to process.stderr. */
  write?: (line: string) => void;
}

function fmtValue(v: unknown): string {
  if (typeof v === "string") return /\s/.test(v) ? JSON.stringify(v) : v;
  if (v instanceof Error) return JSON.stringify(v.message);
  return JSON.stringify(v);
}

/** Creates a logger; levels below `level` cost one comparison. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? "info";
  const min = LOG_LEVELS.indexOf(level);
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const base = opts.fields ?? {};
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LOG_LEVELS.indexOf(lvl) < min) return;
    const all = { ...base, ...fields };
    if (opts.json) {
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...all }));
      return;
    }
    const kv = Object.entries(all)
      .map(([k, v]) => `${pc.dim(k + "=")}${fmtValue(v)}`)
      .join(" ");
    const t = new Date().toISOString().slice(11, 23);
    write(`${pc.dim(t)} ${COLOR[lvl](lvl.toUpperCase().padEnd(5))} ${msg}${kv ? " " + kv : ""}`);
  };
  return {
    level,
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ ...opts, fields: { ...base, ...fields } }),
  };
}
