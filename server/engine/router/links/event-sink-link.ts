/**
 * A sink on the per-event wire (`flowctl.v1.ConsumerService.Consume`, client stream). That wire
 * has one acknowledgement only: the `ConsumeResponse` when a stream ends. So the link rolls its
 * streams: after {@link ROTATE_EVENTS} events (or {@link ROTATE_MS}) it opens the next stream and
 * ends the previous one, whose `ConsumeResponse` confirms it. Events of streams not confirmed yet
 * are kept (at most {@link MAX_UNCONFIRMED}); when the sink crashes they are delivered again
 * (at-least-once, counted `redelivered`), instead of vanishing silently.
 */
import * as grpc from "@grpc/grpc-js";
import { identityDeserialize, identitySerialize, readConsumeResponse } from "../../../wire/relay-codec";
import { DownLink, MAX_PENDING_WRITES, PATHS, statusReason, type LinkHost } from "./link";

/** Events per Consume stream before it is ended and confirmed. */
export const ROTATE_EVENTS = 1024;
/** A stream carrying events is ended and confirmed at least this often. */
export const ROTATE_MS = 1_000;
/** Unconfirmed events a per-event sink may hold (memory bound of the redelivery buffer). */
export const MAX_UNCONFIRMED = 4 * ROTATE_EVENTS;

interface ConsumeStream {
  call: grpc.ClientWritableStream<Buffer>;
  /** Every event written on this stream, in order, until its ConsumeResponse. */
  events: Buffer[];
  /** Writes whose callback has not fired. */
  pending: number;
  ending: boolean;
}

export class EventSinkLink extends DownLink {
  private current: ConsumeStream | undefined;
  /** Streams ended and waiting for their ConsumeResponse (oldest first). */
  private unconfirmed: ConsumeStream[] = [];
  private unconfirmedEvents = 0;
  private rotateTimer: NodeJS.Timeout | undefined;

  constructor(nodeId: string, instanceId: string, endpoint: string, host: LinkHost) {
    super(nodeId, instanceId, "event", endpoint, host);
  }

  protected open(_client: grpc.Client): void {
    this.unconfirmed = [];
    this.unconfirmedEvents = 0;
    this.current = this.openStream();
    clearInterval(this.rotateTimer);
    this.rotateTimer = setInterval(() => {
      if (this.state === "up" && this.current && this.current.events.length > 0) this.rotate();
    }, ROTATE_MS);
  }

  private openStream(): ConsumeStream {
    const rec: ConsumeStream = { call: undefined as unknown as grpc.ClientWritableStream<Buffer>, events: [], pending: 0, ending: false };
    rec.call = this.client!.makeClientStreamRequest(PATHS.consumeEvents, identitySerialize, identityDeserialize, this.callMetadata(), (err, resp) => this.onResponse(rec, err, resp));
    return rec;
  }

  private onResponse(rec: ConsumeStream, err: grpc.ServiceError | null, resp: Buffer | undefined): void {
    if (!this.owns(rec)) return;
    if (err) return this.crash(statusReason(err));
    let r: { consumed: number; failed: number };
    try {
      r = readConsumeResponse(resp ?? Buffer.alloc(0));
    } catch (e) {
      return this.frameFailed(e);
    }
    if (r.failed > 0) this.host.delivered(this, [], 0, r.failed, 0);
    this.host.confirmed(this, rec.events);
    this.unconfirmed = this.unconfirmed.filter((s) => s !== rec);
    this.unconfirmedEvents -= rec.events.length;
    // The sink ended a stream we had not ended (allowed by the wire): carry on with a new one.
    if (rec === this.current) this.current = this.state === "up" ? this.openStream() : undefined;
    if (this.state === "closing" && !this.current && this.unconfirmed.length === 0) {
      this.stopTimer();
      this.finish();
      return;
    }
    this.host.idle(this);
  }

  private owns(rec: ConsumeStream): boolean {
    return rec === this.current || this.unconfirmed.includes(rec);
  }

  /** Ends the current stream (its response confirms it) and starts the next one. */
  private rotate(): void {
    const rec = this.current!;
    rec.ending = true;
    this.unconfirmed.push(rec);
    this.current = this.state === "up" ? this.openStream() : undefined;
    rec.call.end();
  }

  canSend(): boolean {
    return this.state === "up" && !!this.current && this.current.pending < MAX_PENDING_WRITES && this.unconfirmedEvents < MAX_UNCONFIRMED;
  }

  send(events: Buffer[]): void {
    const rec = this.current!;
    for (const ev of events) {
      rec.events.push(ev);
      rec.pending++;
      this.unconfirmedEvents++;
      rec.call.write(ev, () => {
        rec.pending--;
        if (!this.owns(rec)) return;
        this.eventsIn++;
        this.host.delivered(this, [ev], ev.length, 0, 0);
        if (rec === this.current && rec.pending === MAX_PENDING_WRITES / 2) this.host.idle(this);
      });
    }
    if (rec.events.length >= ROTATE_EVENTS) this.rotate();
  }

  undelivered(): Buffer[] {
    return this.allStreams().flatMap((s) => s.events);
  }

  /** Writes not yet taken by HTTP/2; the drain waits for these, close() for the confirmations. */
  get inflight(): number {
    let n = this.current?.pending ?? 0;
    for (const s of this.unconfirmed) n += s.pending;
    return n;
  }

  close(): void {
    if (!this.beginClose()) return;
    if (this.current) {
      const rec = this.current;
      rec.ending = true;
      this.unconfirmed.push(rec);
      this.current = undefined;
      rec.call.end();
    } else if (this.unconfirmed.length === 0) {
      this.stopTimer();
      this.finish();
    }
  }

  resume(): void {
    if (this.canSend()) this.host.idle(this);
  }

  reset(reason: string): void {
    const calls = this.allStreams().map((s) => s.call);
    this.crash(reason);
    for (const c of calls) c.cancel();
  }

  private allStreams(): ConsumeStream[] {
    return [...this.unconfirmed, ...(this.current ? [this.current] : [])];
  }

  /** Everything not confirmed goes back for redelivery (the sink may have seen some of it). */
  private crash(reason: string): void {
    this.stopTimer();
    const retry: Buffer[] = [];
    for (const s of this.allStreams()) for (const e of s.events) retry.push(e);
    this.unconfirmed = [];
    this.unconfirmedEvents = 0;
    this.current = undefined;
    this.fail(retry, 0, reason);
  }

  private stopTimer(): void {
    clearInterval(this.rotateTimer);
    this.rotateTimer = undefined;
  }

  cancel(): void {
    this.stopTimer();
    const calls = this.allStreams().map((s) => s.call);
    this.unconfirmed = [];
    this.unconfirmedEvents = 0;
    this.current = undefined;
    this.cancelCalls(calls);
  }
}
