/**
 * Per-hop timestamps of sampled events, for finding where end-to-end latency comes from (the
 * latency benchmark). Off — one `undefined` check per batch — unless FLOWCTL_TRACE_HOPS names a
 * directory; then every process of the run (components inherit the engine's environment, the
 * router worker shares it) appends `<seq> <hop> <node> <µs>` lines to `<dir>/<label>-<pid>.trace`,
 * where µs is CLOCK_MONOTONIC (process.hrtime), the same clock in every process of the machine.
 * Events are sampled by the number at the end of their id (`gen-1230`): every
 * FLOWCTL_TRACE_SAMPLE-th (default 10). The process's GC pauses go to the same file
 * (`gc <µs> <duration µs> <major|minor>` lines; incremental-marking and weak-callback steps count as minor).
 */
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { constants, PerformanceObserver, performance } from "node:perf_hooks";

/** Records hop stamps; `undefined` when tracing is off. */
export interface HopTracer {
  /** Stamps decoded events (SDK side) passing `hop` at `node` now. */
  events(hop: string, node: string, events: readonly { id: string }[]): void;
  /** Stamps serialized flowctl.v1.Event messages (the router relays bytes). */
  encoded(hop: string, node: string, events: readonly Uint8Array[]): void;
  /**
   * Writes what is buffered now. Also done every 500 ms and at process exit; a worker thread that
   * is terminated sees no exit event, so the router calls this with its final stats.
   */
  flush(): void;
}

const nowMicros = (): number => Number(process.hrtime.bigint() / 1000n);

/** The number at the end of an id, or -1. */
function trailingNumber(id: string): number {
  let n = 0;
  let scale = 1;
  let i = id.length - 1;
  for (; i >= 0; i--) {
    const c = id.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n += c * scale;
    scale *= 10;
  }
  return i === id.length - 1 ? -1 : n;
}

/** The number at the end of a serialized Event's id (field 1, written first), or -1. */
function trailingNumberOfEncoded(e: Uint8Array): number {
  if (e[0] !== 0x0a) return -1;
  let len = 0;
  let shift = 0;
  let pos = 1;
  for (;;) {
    const b = e[pos++]!;
    len |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  let n = 0;
  let scale = 1;
  let i = pos + len - 1;
  for (; i >= pos; i--) {
    const c = e[i]! - 48;
    if (c < 0 || c > 9) break;
    n += c * scale;
    scale *= 10;
  }
  return i === pos + len - 1 ? -1 : n;
}

class FileHopTracer implements HopTracer {
  private lines: string[] = [];
  private readonly file: string;

  constructor(
    dir: string,
    label: string,
    private readonly every: number,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${label.replace(/[^\w.-]/g, "_")}-${process.pid}.trace`);
    // performance.now() runs on the same monotonic clock from this process's time origin.
    const originMicros = nowMicros() - performance.now() * 1000;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR ? "major" : "minor";
        this.lines.push(`gc ${Math.round(originMicros + e.startTime * 1000)} ${Math.round(e.duration * 1000)} ${kind}`);
      }
    }).observe({ entryTypes: ["gc"] });
    setInterval(() => this.flush(), 500).unref();
    process.on("exit", () => this.flush());
  }

  events(hop: string, node: string, events: readonly { id: string }[]): void {
    let t = -1;
    for (const e of events) {
      const seq = trailingNumber(e.id);
      if (seq < 0 || seq % this.every !== 0) continue;
      if (t < 0) t = nowMicros();
      this.lines.push(`${seq} ${hop} ${node} ${t}`);
    }
  }

  encoded(hop: string, node: string, events: readonly Uint8Array[]): void {
    let t = -1;
    for (const e of events) {
      const seq = trailingNumberOfEncoded(e);
      if (seq < 0 || seq % this.every !== 0) continue;
      if (t < 0) t = nowMicros();
      this.lines.push(`${seq} ${hop} ${node} ${t}`);
    }
  }

  flush(): void {
    if (this.lines.length === 0) return;
    const text = this.lines.join("\n") + "\n";
    this.lines = [];
    appendFileSync(this.file, text);
  }
}

/** A tracer for this process when FLOWCTL_TRACE_HOPS is set; `label` names its file. */
export function createHopTracer(label: string, env: Record<string, string | undefined> = process.env): HopTracer | undefined {
  const dir = env.FLOWCTL_TRACE_HOPS;
  if (!dir) return undefined;
  const every = Math.max(1, Number(env.FLOWCTL_TRACE_SAMPLE ?? 10) || 10);
  return new FileHopTracer(dir, label, every);
}

export { trailingNumber as traceSequenceOf, trailingNumberOfEncoded as traceSequenceOfEncoded };
