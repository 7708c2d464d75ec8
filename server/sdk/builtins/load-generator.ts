/**
 * `load-generator` source: synthetic events at EVENTS_PER_SECOND (0 = as fast as downstream
 * accepts), for DURATION_SECONDS and/or EVENT_COUNT. Each event has a unique id and its send time
 * (`timestamp`), so sinks measure end-to-end latency. Payloads are JSON of EVENT_SIZE_BYTES:
 * `{"seq":N,"pad":"…"}` (whitespace-padded numbers keep every payload the same size).
 */
import { z } from "zod";
import { msToTimestamp } from "../../wire/event-codec";
import { loadGeneratorEnvSchema } from "../../core/spec/builtin-env.schema";
import { parseComponentEnv } from "../config";
import { defineSource } from "../define";
import { wallNowMs } from "../event";
import type { FlowEvent, SourceDefinition } from "../types";

const envSchema = loadGeneratorEnvSchema;

/** Parsed load-generator env. */
export type LoadGeneratorConfig = z.output<typeof envSchema>;

/** Events per yield when unthrottled (the wire regroups them into BATCH_SIZE batches). */
const CHUNK = 100;
const SEQ_OFFSET = 7; // after `{"seq":`
const SEQ_WIDTH = 16;

/** Payload template: `{"seq":<16 spaces>,"pad":"xxx…"}` padded to `size` bytes when possible. */
export function payloadTemplate(size: number): Buffer {
  const head = `{"seq":${" ".repeat(SEQ_WIDTH)},"pad":"`;
  const tail = `"}`;
  const padLen = Math.max(0, size - head.length - tail.length);
  return Buffer.from(head + "x".repeat(padLen) + tail, "latin1");
}

/** Builds the load-generator definition from its env (throws ComponentConfigError naming the variable). */
export function createLoadGenerator(env: Record<string, string | undefined>): SourceDefinition {
  const cfg = parseComponentEnv(envSchema, env, "load-generator");
  const template = payloadTemplate(cfg.EVENT_SIZE_BYTES);
  return defineSource({
    name: "load-generator",
    description: "Synthetic events for load tests and latency measurement",
    outputEventTypes: [cfg.EVENT_TYPE],
    async *produce(ctx) {
      const idPrefix = `${ctx.componentId}-`;
      const type = cfg.EVENT_TYPE;
      const source = ctx.componentId;
      const start = ctx.now();
      const endAt = cfg.DURATION_SECONDS > 0 ? start + cfg.DURATION_SECONDS * 1000 : Infinity;
      const limit = cfg.EVENT_COUNT > 0 ? cfg.EVENT_COUNT : Infinity;
      let seq = 0;
      const make = (n: number): FlowEvent[] => {
        const ts = msToTimestamp(wallNowMs());
        const out: FlowEvent[] = new Array(n);
        for (let i = 0; i < n; i++) {
          seq++;
          const payload = Buffer.allocUnsafe(template.length);
          template.copy(payload);
          payload.write(String(seq), SEQ_OFFSET, "latin1");
          out[i] = { id: idPrefix + seq, type, payload, timestamp: ts, sourceComponentId: source, contentType: "application/json" };
        }
        return out;
      };
      while (!ctx.signal.aborted && seq < limit) {
        const now = ctx.now();
        if (now >= endAt) break;
        let n: number;
        if (cfg.EVENTS_PER_SECOND === 0) n = CHUNK;
        else {
          const due = Math.floor(((now - start) * cfg.EVENTS_PER_SECOND) / 1000) + 1 - seq;
          if (due <= 0) {
            const nextAt = start + (seq * 1000) / cfg.EVENTS_PER_SECOND;
            await ctx.sleep(Math.max(1, Math.min(nextAt, endAt) - now));
            continue;
          }
          n = Math.min(due, 1000);
        }
        yield make(Math.min(n, limit - seq));
      }
      ctx.logger.info("load generator finished", { events: seq });
    },
  });
}

/** The factory `flowctl component load-generator` runs (each built-in module's default export). */
export default createLoadGenerator;
