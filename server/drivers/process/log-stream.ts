/**
 * Component output: one log file per instance per run and the aggregated console stream
 * (`[HH:MM:SS] <id>: line`, one colour per component, as flowctl prints it).
 */
import fs from "node:fs";
import path from "node:path";
import pc from "picocolors";

const PALETTE = [pc.cyan, pc.magenta, pc.yellow, pc.green, pc.blue, pc.red];

/** Receives every complete line a component instance prints. */
export type ConsoleSink = (instanceId: string, line: string, stream: "stdout" | "stderr") => void;

/** A colour-per-component console writer. */
export function createConsoleSink(write: (line: string) => void = (l) => process.stdout.write(l + "\n")): ConsoleSink {
  const colours = new Map<string, (s: string) => string>();
  return (instanceId, line) => {
    let colour = colours.get(instanceId);
    if (!colour) {
      colour = PALETTE[colours.size % PALETTE.length]!;
      colours.set(instanceId, colour);
    }
    const t = new Date().toTimeString().slice(0, 8);
    write(`${pc.dim(`[${t}]`)} ${colour(instanceId)}: ${line}`);
  };
}

/** Splits a byte stream into lines (one collector per stream, so partial lines never mix). */
export class LineCollector {
  private partial = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const l of lines) this.onLine(l.replace(/\r$/, ""));
    // An unterminated line longer than 64 KiB is emitted as is rather than buffered without bound.
    if (this.partial.length > 65_536) {
      this.onLine(this.partial);
      this.partial = "";
    }
  }

  flush(): void {
    if (this.partial) this.onLine(this.partial);
    this.partial = "";
  }
}

/**
 * The log file of one instance: `<logDir>/<runId>/<instanceId>.log`, appended. A write error (disk
 * full, file-size limit, a vanished directory) is reported once and the file is given up — the
 * component keeps running and its output still reaches the console and the in-memory ring.
 * Back-pressure is reported so the driver can stop reading the component's pipes meanwhile.
 */
export class InstanceLogWriter {
  readonly file: string;
  private readonly stream: fs.WriteStream | undefined;
  private failed = false;
  private waiting = false;
  private pressure: ((paused: boolean) => void) | undefined;
  private readonly closed: Promise<void>;

  constructor(logDir: string, runId: string, instanceId: string, onError: (err: Error) => void) {
    const dir = path.join(logDir, runId);
    this.file = path.join(dir, `${instanceId}.log`);
    let stream: fs.WriteStream | undefined;
    try {
      fs.mkdirSync(dir, { recursive: true });
      stream = fs.createWriteStream(this.file, { flags: "a" });
    } catch (err) {
      this.failed = true;
      queueMicrotask(() => onError(err as Error));
    }
    this.stream = stream;
    this.closed = new Promise((resolve) => {
      if (!stream) return resolve();
      stream.once("close", () => resolve());
      stream.on("error", (err) => {
        if (!this.failed) {
          this.failed = true;
          onError(err);
        }
        this.release();
      });
      stream.on("drain", () => this.release());
    });
  }

  /** Called with true when writes should pause (the file lags), false when they may resume. */
  onBackPressure(cb: (paused: boolean) => void): void {
    this.pressure = cb;
  }

  write(text: string): void {
    if (this.failed || !this.stream || this.stream.destroyed) return;
    if (!this.stream.write(text) && !this.waiting) {
      this.waiting = true;
      this.pressure?.(true);
    }
  }

  /** Writes `last` and closes; resolves once the file is closed (also after a write error). */
  end(last: string): Promise<void> {
    this.release();
    if (!this.stream) return Promise.resolve();
    if (!this.failed && !this.stream.destroyed) this.stream.end(last);
    else this.stream.destroy();
    return this.closed;
  }

  private release(): void {
    if (!this.waiting) return;
    this.waiting = false;
    this.pressure?.(false);
  }
}
