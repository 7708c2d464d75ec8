/**
 * `blackhole` sink: counts and discards. DELAY_MS waits per event, one at a time (an unbatched
 * INSERT); BATCH_DELAY_MS waits once per flush (a slow database taking batches). The SDK flushes
 * one batch at a time, so both cap throughput the way a real slow sink would.
 */
import { blackholeEnvSchema } from "../../core/spec/builtin-env.schema";
import { parseComponentEnv } from "../config";
import { defineSink } from "../define";
import type { SinkDefinition } from "../types";

const envSchema = blackholeEnvSchema;

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The `blackhole` sink from its env (DELAY_MS, BATCH_DELAY_MS). */
export function createBlackhole(env: Record<string, string | undefined>): SinkDefinition {
  const { DELAY_MS: perEvent, BATCH_DELAY_MS: perBatch } = parseComponentEnv(envSchema, env, "blackhole");
  return defineSink({
    name: "blackhole",
    description: "Counts and discards events",
    // Small and immediate by default (flush what arrived in this event-loop turn) so end-to-end
    // latency reflects the pipeline, not sink batching.
    batch: { size: 100, flushIntervalMs: 0 },
    // Only the SDK reads each event's timestamp (end-to-end latency): nothing else is decoded.
    lazyDecode: true,
    async consume(batch) {
      if (perEvent > 0) for (let i = 0; i < batch.length; i++) await wait(perEvent);
      if (perBatch > 0) await wait(perBatch);
    },
  });
}

/** The factory `flowctl component blackhole` runs (each built-in module's default export). */
export default createBlackhole;
