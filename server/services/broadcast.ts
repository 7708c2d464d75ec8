/**
 * Bounded fan-out of live messages to many readers (browser tabs). A slow reader never grows a
 * queue: messages published with a `key` replace the reader's pending one with the same key (the
 * latest state wins: stats, diagnosis), and keyless messages (lifecycle events) queue up to
 * `maxQueued` per reader, the oldest dropped first and counted so the reader can say it missed some.
 */

/** What a reader receives besides the published messages. */
export type Delivery<M> = { kind: "message"; message: M } | { kind: "gap"; skipped: number };

interface Reader<M> {
  keyed: Map<string, M>;
  queued: M[];
  skipped: number;
  wake: (() => void) | undefined;
  closed: boolean;
}

export interface BroadcastOptions {
  /** Keyless messages kept per reader before the oldest is dropped. @default 100 */
  maxQueued?: number;
}

/** See the module comment. */
export class Broadcast<M> {
  private readonly readers = new Set<Reader<M>>();
  private readonly maxQueued: number;
  private ended = false;

  constructor(opts: BroadcastOptions = {}) {
    this.maxQueued = opts.maxQueued ?? 100;
  }

  /** Readers currently subscribed. */
  get size(): number {
    return this.readers.size;
  }

  /** Sends `message` to every reader; with `key` it replaces that reader's undelivered one. */
  publish(message: M, key?: string): void {
    for (const r of this.readers) {
      if (key !== undefined) r.keyed.set(key, message);
      else {
        r.queued.push(message);
        if (r.queued.length > this.maxQueued) {
          r.queued.shift();
          r.skipped++;
        }
      }
      r.wake?.();
    }
  }

  /** Ends every reader after it has taken what is pending; later subscribers end at once. */
  close(): void {
    this.ended = true;
    for (const r of this.readers) {
      r.closed = true;
      r.wake?.();
    }
  }

  /**
   * Reads until `signal` aborts or the broadcast closes. `initial` messages are delivered first
   * (the current state, so a new reader does not wait a tick for it).
   */
  async *subscribe(signal: AbortSignal, initial: readonly M[] = []): AsyncGenerator<Delivery<M>> {
    const reader: Reader<M> = { keyed: new Map(), queued: [], skipped: 0, wake: undefined, closed: this.ended };
    this.readers.add(reader);
    const onAbort = () => {
      reader.closed = true;
      reader.wake?.();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      for (const m of initial) yield { kind: "message", message: m };
      for (;;) {
        if (signal.aborted) return;
        if (reader.skipped > 0) {
          const skipped = reader.skipped;
          reader.skipped = 0;
          yield { kind: "gap", skipped };
          continue;
        }
        const next = reader.queued.shift();
        if (next !== undefined) {
          yield { kind: "message", message: next };
          continue;
        }
        const first = reader.keyed.entries().next();
        if (!first.done) {
          reader.keyed.delete(first.value[0]);
          yield { kind: "message", message: first.value[1] };
          continue;
        }
        if (reader.closed) return;
        await new Promise<void>((resolve) => (reader.wake = resolve));
        reader.wake = undefined;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.readers.delete(reader);
    }
  }
}
