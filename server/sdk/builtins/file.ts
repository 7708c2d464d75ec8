/**
 * `file` sink: appends events as JSON lines to FILE_PATH, one write + fsync per flush, so an
 * acknowledged event is on disk. Line: {id,type,time,source,content_type,metadata,payload} where
 * payload is the JSON value for JSON payloads, a string for text, `payload_base64` otherwise.
 */
import { mkdir, open, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { fileEnvSchema } from "../../core/spec/builtin-env.schema";
import { parseComponentEnv } from "../config";
import { defineSink } from "../define";
import { eventTimeMs } from "../event";
import type { FlowEvent, SinkDefinition } from "../types";

const envSchema = fileEnvSchema;

/** One JSON line for an event (no trailing newline). */
export function eventToJsonLine(e: FlowEvent): string {
  const ms = eventTimeMs(e);
  const base = {
    id: e.id,
    type: e.type,
    time: ms === undefined ? null : new Date(ms).toISOString(),
    source: e.sourceComponentId || undefined,
    content_type: e.contentType || undefined,
    metadata: e.metadata && Object.keys(e.metadata).length > 0 ? e.metadata : undefined,
  };
  const bytes = Buffer.isBuffer(e.payload) ? e.payload : Buffer.from(e.payload.buffer, e.payload.byteOffset, e.payload.byteLength);
  const ct = e.contentType ?? "";
  if (ct.includes("json") || ct === "") {
    const text = bytes.toString("utf8");
    try {
      return JSON.stringify({ ...base, payload: JSON.parse(text) as unknown });
    } catch {
      // Not JSON after all (no content type, or a mislabelled payload): fall through to text/base64.
      if (ct.includes("json")) return JSON.stringify({ ...base, payload_base64: bytes.toString("base64") });
    }
  }
  if (ct.startsWith("text/")) return JSON.stringify({ ...base, payload: bytes.toString("utf8") });
  return JSON.stringify({ ...base, payload_base64: bytes.toString("base64") });
}

/** The `file` sink from its env (FILE_PATH). */
export function createFileSink(env: Record<string, string | undefined>): SinkDefinition {
  const { FILE_PATH } = parseComponentEnv(envSchema, env, "file");
  const file = path.resolve(FILE_PATH);
  let fh: FileHandle | undefined;
  return defineSink({
    name: "file",
    description: `JSON lines to ${file}`,
    batch: { size: 1000, flushIntervalMs: 100 },
    async setup(ctx) {
      await mkdir(path.dirname(file), { recursive: true });
      fh = await open(file, "a");
      ctx.logger.info("file sink writing", { file });
    },
    async consume(batch) {
      if (!fh) throw new Error("file sink used before setup");
      let text = "";
      for (const e of batch) text += eventToJsonLine(e) + "\n";
      await fh.write(text);
      await fh.sync();
    },
    async teardown() {
      await fh?.close();
      fh = undefined;
    },
  });
}

/** The factory `flowctl component file` runs (each built-in module's default export). */
export default createFileSink;
