/**
 * `transform` processor: evaluates the JSONata EXPRESSION against each event's JSON payload.
 * `undefined` filters the event out, an array fans out into one event per element, anything else
 * becomes the new payload. The input's envelope is bound as `$event` ({id, type, metadata, source}). Output events keep the input's type (or OUTPUT_TYPE), time and
 * metadata; fanned-out events get ids `<id>-<index>`.
 */
import jsonata from "jsonata";
import { transformEnvSchema } from "../../core/spec/builtin-env.schema";
import { ComponentConfigError, parseComponentEnv } from "../config";
import { defineProcessor } from "../define";
import { payloadJson, withEvent } from "../event";
import type { FlowEvent, ProcessorDefinition } from "../types";

const envSchema = transformEnvSchema;

/** The `transform` processor from its env (EXPRESSION, OUTPUT_TYPE). */
export function createTransform(env: Record<string, string | undefined>): ProcessorDefinition {
  const cfg = parseComponentEnv(envSchema, env, "transform");
  let expr: ReturnType<typeof jsonata>;
  try {
    expr = jsonata(cfg.EXPRESSION);
  } catch (err) {
    const e = err as { message: string; position?: number };
    throw new ComponentConfigError(`transform: invalid environment: EXPRESSION: ${e.message}${e.position !== undefined ? ` at position ${e.position}` : ""}`);
  }
  const toEvent = (input: FlowEvent, value: unknown, id: string): FlowEvent =>
    withEvent(input, {
      id,
      type: cfg.OUTPUT_TYPE || input.type,
      payload: Buffer.from(JSON.stringify(value), "utf8"),
      contentType: "application/json",
    });
  return defineProcessor({
    name: "transform",
    description: `JSONata: ${cfg.EXPRESSION}`,
    outputEventTypes: cfg.OUTPUT_TYPE ? [cfg.OUTPUT_TYPE] : [],
    async process(event) {
      const binding = { event: { id: event.id, type: event.type, metadata: event.metadata ?? {}, source: event.sourceComponentId ?? "" } };
      const result: unknown = await expr.evaluate(payloadJson(event), binding);
      if (result === undefined) return null;
      if (Array.isArray(result)) return result.filter((v) => v !== undefined).map((v, i) => toEvent(event, v, `${event.id}-${i}`));
      return toEvent(event, result, event.id);
    },
  });
}

/** The factory `flowctl component transform` runs (each built-in module's default export). */
export default createTransform;
