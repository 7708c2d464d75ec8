/** `defineSource` / `defineProcessor` / `defineSink`: validate a definition and give it `run()`. */
import { InvalidArgumentError } from "../core/errors";
import { runComponent, type StartComponentOptions } from "./run-component";
import type { ComponentDefinition, ProcessorDefinition, SinkDefinition, SourceDefinition } from "./types";

/** A definition plus `run()`, which serves it as this process's component. */
export type Runnable<D extends ComponentDefinition> = D & { run(opts?: StartComponentOptions): Promise<void> };

function checkName(name: unknown, role: string): void {
  if (typeof name !== "string" || !/^[a-z0-9][a-z0-9._-]*$/i.test(name)) {
    throw new InvalidArgumentError(`${role}.name`, "must be a non-empty identifier (letters, digits, . _ -)");
  }
}

function runnable<D extends ComponentDefinition>(def: D): Runnable<D> {
  return Object.assign(def, { run: (opts?: StartComponentOptions) => runComponent(def, opts) });
}

/**
 * Defines a source.
 * @example
 * defineSource({
 *   name: "ticks",
 *   async *produce(ctx) {
 *     for (let i = 0; !ctx.signal.aborted; i++) { yield createEvent({ type: "tick", payload: { i } }); await ctx.sleep(100); }
 *   },
 * }).run();
 */
export function defineSource(def: Omit<SourceDefinition, "role">): Runnable<SourceDefinition> {
  checkName(def.name, "source");
  if (typeof def.produce !== "function") throw new InvalidArgumentError("source.produce", "must be a function or async generator");
  return runnable({ ...def, role: "source" });
}

/**
 * Defines a processor; `process` is called one event at a time, in order.
 * @example defineProcessor({ name: "upper", process: (e) => withEvent(e, { payload: Buffer.from(payloadText(e).toUpperCase()) }) })
 */
export function defineProcessor(def: Omit<ProcessorDefinition, "role">): Runnable<ProcessorDefinition> {
  checkName(def.name, "processor");
  if (typeof def.process !== "function" && typeof def.processBatch !== "function") {
    throw new InvalidArgumentError("processor.process", "define process(event, ctx) or processBatch(events, ctx)");
  }
  return runnable({ ...def, role: "processor" });
}

/**
 * Defines a sink; `consume` receives batches (size or time), and events are acknowledged only
 * after it resolves.
 * @example defineSink({ name: "db", batch: { size: 500, flushIntervalMs: 100 }, consume: (batch) => insertRows(batch) })
 */
export function defineSink(def: Omit<SinkDefinition, "role">): Runnable<SinkDefinition> {
  checkName(def.name, "sink");
  if (typeof def.consume !== "function") throw new InvalidArgumentError("sink.consume", "must be a function");
  const b = def.batch;
  if (b?.size !== undefined && (!Number.isInteger(b.size) || b.size < 1)) throw new InvalidArgumentError("sink.batch.size", "must be an integer ≥ 1");
  if (b?.flushIntervalMs !== undefined && (!Number.isFinite(b.flushIntervalMs) || b.flushIntervalMs < 0)) {
    throw new InvalidArgumentError("sink.batch.flushIntervalMs", "must be a number ≥ 0");
  }
  return runnable({ ...def, role: "sink" });
}
