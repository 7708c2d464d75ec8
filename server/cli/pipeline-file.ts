/**
 * Pipeline files on disk → text (the IO half of loading; validation itself is pure, in
 * server/core/spec). Read errors become user errors that name the file and the reason.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { FlowError } from "../core/errors";
import { hasErrors, loadPipeline, type LoadedPipeline } from "../core/spec/index";
import { formatDiagnostics } from "./render-diagnostics";

/** flowctl's default pipeline file when none is given. */
export const DEFAULT_PIPELINE_FILE = "flow.yml";

/** A pipeline file's text and the name diagnostics should show for it. */
export interface PipelineFile {
  /** As given by the user (relative paths stay relative, for readable `file:line:col`). */
  file: string;
  /** Absolute path (`-` for stdin), for resolving paths relative to the pipeline file. */
  absolutePath: string;
  text: string;
}

const REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "it is a directory, not a file",
  ENOTDIR: "a parent of it is not a directory",
  EMFILE: "too many open files",
};

/** Reads a pipeline file (`-` = standard input). Throws a FlowError naming the file and why. */
export async function readPipelineFile(file: string, opts: { signal?: AbortSignal } = {}): Promise<PipelineFile> {
  if (file === "-") return { file: "<stdin>", absolutePath: "-", text: await readStdin(opts.signal) };
  try {
    const text = await readFile(file, { encoding: "utf8", ...(opts.signal ? { signal: opts.signal } : {}) });
    return { file, absolutePath: path.resolve(file), text };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const reason = REASONS[code] ?? (err instanceof Error ? err.message : String(err));
    const hint = code === "ENOENT" && file === DEFAULT_PIPELINE_FILE ? " (pass the pipeline file as an argument, e.g. `flowctl validate pipeline.yaml`)" : "";
    throw new FlowError(code === "ENOENT" ? "NOT_FOUND" : "INVALID_ARGUMENT", `cannot read pipeline file ${JSON.stringify(file)}: ${reason}${hint}`, { cause: err });
  }
}

async function readStdin(signal?: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    signal?.throwIfAborted();
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Reads and loads a pipeline for commands that run it (`run`, `translate`): returns the
 * compiled pipeline, or throws VALIDATION_FAILED whose message lists every error.
 */
export async function loadPipelineFile(file: string, opts: { signal?: AbortSignal } = {}): Promise<LoadedPipeline & { source: PipelineFile }> {
  const source = await readPipelineFile(file, opts);
  const loaded = loadPipeline(source.text, { file: source.file });
  if (!loaded.pipeline || hasErrors(loaded.diagnostics)) {
    const errors = loaded.diagnostics.filter((d) => d.severity === "error");
    throw new FlowError("VALIDATION_FAILED", `pipeline ${source.file} is invalid (${errors.length} error(s)):\n${formatDiagnostics(errors, { color: false })}`);
  }
  return { ...loaded, source };
}
