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

/** Splits a byte stream into lines, keeping the last `keep` lines for error messages. */
export class LineCollector {
  private partial = "";
  private readonly tail: string[] = [];

  constructor(
    private readonly keep: number,
    private readonly onLine: (line: string) => void,
  ) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const l of lines) this.emit(l.replace(/\r$/, ""));
    // An unterminated line longer than 64 KiB is emitted as is rather than buffered without bound.
    if (this.partial.length > 65_536) {
      this.emit(this.partial);
      this.partial = "";
    }
  }

  flush(): void {
    if (this.partial) this.emit(this.partial);
    this.partial = "";
  }

  lastLines(): string[] {
    return [...this.tail];
  }

  private emit(line: string): void {
    this.tail.push(line);
    if (this.tail.length > this.keep) this.tail.shift();
    this.onLine(line);
  }
}

/** Opens (appending) `<logDir>/<runId>/<instanceId>.log`, creating directories. */
export function openInstanceLog(logDir: string, runId: string, instanceId: string): { file: string; stream: fs.WriteStream } {
  const dir = path.join(logDir, runId);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${instanceId}.log`);
  return { file, stream: fs.createWriteStream(file, { flags: "a" }) };
}
