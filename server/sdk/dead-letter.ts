/**
 * The dead-letter file of a sink: events whose write still failed after the retry policy's last
 * attempt, one JSON object per line with the error, so nothing a sink gave up on is lost silently
 * and each can be inspected or replayed. Lines are appended in order (one write at a time).
 */
import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { timestampToMs } from "../wire/event-codec";
import type { FlowEvent } from "./types";

/** One line of the file. */
export interface DeadLetterLine {
  /** When the event was given up on (ISO 8601). */
  at: string;
  component: string;
  /** Write attempts made (the retry policy's max_attempts, or fewer at shutdown). */
  attempts: number;
  error: string;
  event: {
    id: string;
    type: string;
    sourceComponentId: string;
    contentType: string;
    metadata: Record<string, string>;
    /** ISO 8601, when the event carried a timestamp. */
    timestamp: string | null;
    /** The payload, base64. */
    payload: string;
  };
}

export class DeadLetterFile {
  private dirReady: Promise<unknown> | undefined;

  constructor(
    readonly file: string,
    private readonly componentId: string,
  ) {}

  /** Appends one line per event; rejects when the file cannot be written (the caller counts that). */
  async write(events: readonly FlowEvent[], error: string, attempts: number): Promise<void> {
    this.dirReady ??= mkdir(path.dirname(this.file), { recursive: true });
    await this.dirReady;
    const at = new Date().toISOString();
    const lines = events.map((e) => {
      const ms = timestampToMs(e.timestamp);
      const line: DeadLetterLine = {
        at,
        component: this.componentId,
        attempts,
        error,
        event: {
          id: e.id,
          type: e.type,
          sourceComponentId: e.sourceComponentId ?? "",
          contentType: e.contentType ?? "",
          metadata: { ...(e.metadata ?? {}) },
          timestamp: ms === undefined ? null : new Date(ms).toISOString(),
          payload: Buffer.from(e.payload).toString("base64"),
        },
      };
      return JSON.stringify(line) + "\n";
    });
    await appendFile(this.file, lines.join(""));
  }
}
