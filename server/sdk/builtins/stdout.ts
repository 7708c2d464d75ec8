/**
 * `stdout` sink: prints each event as a JSON line (PRETTY=true: indented, multi-line), awaiting
 * the stream write before acknowledging.
 */
import { stdoutEnvSchema } from "../../core/spec/builtin-env.schema";
import { parseComponentEnv } from "../config";
import { defineSink } from "../define";
import type { SinkDefinition } from "../types";
import { eventToJsonLine } from "./file";

const envSchema = stdoutEnvSchema;

/** Writes to a stream and resolves when it has been handed to the OS. */
function writeAll(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}

/** The `stdout` sink from its env (PRETTY); `out` is replaceable for tests. */
export function createStdoutSink(env: Record<string, string | undefined>, out: NodeJS.WritableStream = process.stdout): SinkDefinition {
  const { PRETTY } = parseComponentEnv(envSchema, env, "stdout");
  return defineSink({
    name: "stdout",
    description: "Prints events to standard output",
    batch: { size: 100, flushIntervalMs: 50 },
    async consume(batch) {
      let text = "";
      for (const e of batch) {
        const line = eventToJsonLine(e);
        text += (PRETTY ? JSON.stringify(JSON.parse(line), null, 2) : line) + "\n";
      }
      await writeAll(out, text);
    },
  });
}

/** The factory `flowctl component stdout` runs (each built-in module's default export). */
export default createStdoutSink;
