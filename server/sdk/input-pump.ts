/**
 * Reads a gRPC input stream into a bounded queue handled one item at a time, in order. Overflow
 * policy: block — when `maxQueued` events are waiting the call is paused, so HTTP/2 flow control
 * pushes back on the sender; it resumes below half. `stop()` (shutdown drain) pauses for good and
 * finishes what was already read.
 */
import type { Readable } from "node:stream";

/** The readable side of a grpc-js server call. */
export type PumpReadable = Pick<Readable, "on" | "pause" | "resume">;

/** Options of {@link InputPump}. */
export interface InputPumpOptions<T> {
  /** Events in one item (1 for an event, n for a batch). */
  size(item: T): number;
  handle(item: T): Promise<void>;
  maxQueued: number;
  /** Called with the change in queued events (queue-depth gauge). */
  onDepth?(delta: number): void;
}

/** Lifecycle of an {@link InputPump}. */
export type PumpState = "reading" | "stopping" | "ended" | "failed";

/** Bounded, ordered, one-at-a-time consumer of a gRPC input stream. */
export class InputPump<T> {
  private readonly queue: T[] = [];
  private queued = 0;
  private running = false;
  private paused = false;
  private inputEnded = false;
  state: PumpState = "reading";
  /** Resolves when the input ended (or stop() was called) and every read item was handled. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (err: Error) => void;

  constructor(
    private readonly call: PumpReadable,
    private readonly opts: InputPumpOptions<T>,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Callers await `done`; this handler only keeps an early rejection from being "unhandled".
    this.done.catch(() => undefined);
    call.on("data", (item: T) => this.push(item));
    call.on("end", () => this.finishInput());
    call.on("cancelled", () => this.finishInput());
    call.on("error", (err: Error) => this.fail(err));
  }

  /** Stops reading (shutdown): what was read is still handled, then `done` resolves. */
  stop(): Promise<void> {
    if (this.state === "reading") this.state = "stopping";
    this.call.pause();
    this.paused = true;
    this.inputEnded = true;
    this.maybeFinish();
    return this.done;
  }

  private push(item: T): void {
    if (this.state === "ended" || this.state === "failed") return;
    const n = this.opts.size(item);
    this.queue.push(item);
    this.queued += n;
    this.opts.onDepth?.(n);
    if (!this.paused && this.queued >= this.opts.maxQueued) {
      this.paused = true;
      this.call.pause();
    }
    if (!this.running) void this.run();
  }

  private finishInput(): void {
    this.inputEnded = true;
    this.maybeFinish();
  }

  private fail(err: Error): void {
    if (this.state === "ended" || this.state === "failed") return;
    this.state = "failed";
    this.opts.onDepth?.(-this.queued);
    this.queued = 0;
    this.queue.length = 0;
    this.rejectDone(err);
  }

  private maybeFinish(): void {
    if (this.inputEnded && !this.running && this.queue.length === 0 && (this.state === "reading" || this.state === "stopping")) {
      this.state = "ended";
      this.resolveDone();
    }
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const item = this.queue.shift() as T;
        const n = this.opts.size(item);
        await this.opts.handle(item);
        this.queued -= n;
        this.opts.onDepth?.(-n);
        if (this.paused && this.state === "reading" && this.queued < this.opts.maxQueued / 2) {
          this.paused = false;
          this.call.resume();
        }
      }
    } catch (err) {
      this.running = false;
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.running = false;
    this.maybeFinish();
  }
}
