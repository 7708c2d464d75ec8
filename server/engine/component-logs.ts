/**
 * Recent output of a run's component instances, in memory, for the console: a bounded ring per
 * instance (oldest lines dropped first, by count and by bytes) in front of the log files, and live
 * listeners. The log file on disk stays the complete record.
 */

/** One line a component instance printed. */
export interface ComponentLogLine {
  at: Date;
  stream: "stdout" | "stderr";
  line: string;
}

/** A live line, with the instance that printed it. */
export interface InstanceLogLine extends ComponentLogLine {
  instanceId: string;
}

/** Bounds of {@link ComponentLogs}. */
export interface ComponentLogsOptions {
  /** Lines kept per instance. @default 1000 */
  maxLines?: number;
  /** Bytes (UTF-16 code units, as held in memory) kept per instance. @default 1 MiB */
  maxBytes?: number;
}

interface Ring {
  lines: ComponentLogLine[];
  head: number;
  bytes: number;
}

export class ComponentLogs {
  private readonly rings = new Map<string, Ring>();
  private readonly listeners = new Set<(l: InstanceLogLine) => void>();
  private readonly maxLines: number;
  private readonly maxBytes: number;

  constructor(opts: ComponentLogsOptions = {}) {
    this.maxLines = Math.max(1, opts.maxLines ?? 1000);
    this.maxBytes = Math.max(1, opts.maxBytes ?? 1024 * 1024);
  }

  append(instanceId: string, stream: "stdout" | "stderr", line: string): void {
    let ring = this.rings.get(instanceId);
    if (!ring) this.rings.set(instanceId, (ring = { lines: [], head: 0, bytes: 0 }));
    const entry: ComponentLogLine = { at: new Date(), stream, line };
    ring.lines.push(entry);
    ring.bytes += line.length;
    // Drop from the head; compact the array only now and then (amortised O(1) per line).
    while (ring.lines.length - ring.head > this.maxLines || (ring.bytes > this.maxBytes && ring.lines.length - ring.head > 1)) {
      ring.bytes -= ring.lines[ring.head]!.line.length;
      ring.head++;
    }
    if (ring.head > 1024 && ring.head * 2 > ring.lines.length) {
      ring.lines = ring.lines.slice(ring.head);
      ring.head = 0;
    }
    for (const l of this.listeners) {
      try {
        l({ instanceId, ...entry });
      } catch {
        // A listener's failure is its own (e.g. a closed console stream); the engine carries on.
      }
    }
  }

  /** The last `tail` lines of an instance (all kept lines without `tail`), oldest first. */
  tail(instanceId: string, tail?: number): ComponentLogLine[] {
    const ring = this.rings.get(instanceId);
    if (!ring) return [];
    const kept = ring.lines.length - ring.head;
    const n = tail === undefined ? kept : Math.max(0, Math.min(kept, Math.floor(tail)));
    return ring.lines.slice(ring.lines.length - n);
  }

  /** Live lines of every instance; returns the unsubscribe function. */
  subscribe(listener: (l: InstanceLogLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
