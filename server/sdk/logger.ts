/**
 * The SDK's stderr logger (the SDK is published and may not import server/lifecycle):
 * `HH:MM:SS.mmm LEVEL msg key=value…`, or JSON lines with LOG_FORMAT=json.
 */
import { LOG_LEVELS, type Logger, type LogLevel } from "../core/logger";

/** Options of {@link createSdkLogger}. */
export interface SdkLoggerOptions {
  level: LogLevel;
  json: boolean;
  fields?: Record<string, unknown>;
  write?: (line: string) => void;
}

function fmt(v: unknown): string {
  if (typeof v === "string") return /\s/.test(v) || v === "" ? JSON.stringify(v) : v;
  if (v instanceof Error) return JSON.stringify(v.message);
  return JSON.stringify(v) ?? String(v);
}

/** Creates a component logger writing one line per entry to stderr. */
export function createSdkLogger(opts: SdkLoggerOptions): Logger {
  const min = LOG_LEVELS.indexOf(opts.level);
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const base = opts.fields ?? {};
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LOG_LEVELS.indexOf(lvl) < min) return;
    const all = fields ? { ...base, ...fields } : base;
    if (opts.json) {
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...all }));
      return;
    }
    const kv = Object.entries(all)
      .map(([k, v]) => `${k}=${fmt(v)}`)
      .join(" ");
    write(`${new Date().toISOString().slice(11, 23)} ${lvl.toUpperCase().padEnd(5)} ${msg}${kv ? " " + kv : ""}`);
  };
  return {
    level: opts.level,
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createSdkLogger({ ...opts, fields: { ...base, ...fields } }),
  };
}
