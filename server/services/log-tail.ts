/** The last lines of a component's log file, read from its end (bounded however big the file is). */
import { open } from "node:fs/promises";
import type { LogLineItem } from "./api-types";

/** Bytes read from the end of a log file at most. */
const MAX_TAIL_BYTES = 512 * 1024;

/**
 * Up to `lines` last lines of `file` (ENOENT → none). Lines carry no time of their own in the file,
 * so `at` is the file's modification time for all of them.
 */
export async function readLogTail(file: string, lines: number): Promise<LogLineItem[]> {
  let fh;
  try {
    fh = await open(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  try {
    const stat = await fh.stat();
    const length = Math.min(stat.size, MAX_TAIL_BYTES);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, stat.size - length);
    const text = buf.toString("utf8");
    const all = text.split("\n");
    // A partial first line (the read started mid-line) and the empty string after the last newline.
    if (length < stat.size) all.shift();
    if (all.at(-1) === "") all.pop();
    const at = stat.mtime.toISOString();
    // The file interleaves stdout and stderr without saying which: the stream is unknown.
    return all.slice(-lines).map((line) => ({ at, stream: null, line }));
  } finally {
    await fh.close();
  }
}
