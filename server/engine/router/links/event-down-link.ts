import * as grpc from "@grpc/grpc-js";
import { assertEvents, identityDeserialize, identitySerialize } from "../../../wire/relay-codec";
import { DownLink, MAX_PENDING_WRITES, MAX_UNRETURNED, PATHS, UNRETURNED_STALL_MS, statusReason, type LinkHost } from "./link";

/**
 * A processor on the per-event wire (`flowctl.v1.ProcessorService.Process`, bidi; foreign
 * components). Credits are counted by write callbacks (HTTP/2 accepted the bytes). This wire has no
 * acknowledgements and a processor's outputs are not correlated with its inputs, so at a crash the
 * events whose write never completed are delivered again and those written but not answered (1:1
 * assumption; the router keeps their in-edges) are counted lost. Sinks on this wire: event-sink-link.ts.
 */
export class EventDownLink extends DownLink {
  private call: grpc.ClientDuplexStream<Buffer, Buffer> | undefined;
  private pending: Buffer[] = [];
  private pendingHead = 0;
  private received = 0;
  private sent = 0;
  private slack = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private outputPaused = false;
  constructor(nodeId: string, instanceId: string, endpoint: string, host: LinkHost) {
    super(nodeId, instanceId, "event", endpoint, host);
  }
  protected open(client: grpc.Client): void {
    this.pending = [];
    this.pendingHead = 0;
    this.received = 0;
    this.sent = 0;
    this.slack = 0;
    this.outputPaused = false;
    const call = client.makeBidiStreamRequest(PATHS.processEvents, identitySerialize, identityDeserialize, this.callMetadata());
    this.call = call;
    call.on("data", (ev: Buffer) => {
      if (this.call !== call) return;
      try {
        assertEvents([ev]);
        this.received++;
        this.eventsOut++;
        this.host.output(this, [ev]);
        if (this.sent - this.received - this.slack === MAX_UNRETURNED / 2) this.host.idle(this);
        if (!this.outputPaused && this.host.outputBlocked(this.nodeId)) {
          this.outputPaused = true;
          call.pause();
        }
      } catch (err) {
        if (this.call === call) this.frameFailed(err);
      }
    });
    call.on("error", (err) => {
      if (this.call === call) this.crash(statusReason(err));
    });
    call.on("status", (s: grpc.StatusObject) => {
      if (this.call === call && s.code === grpc.status.OK) this.finish();
    });
  }
  reset(reason: string): void {
    const call = this.call;
    this.crash(reason);
    call?.cancel();
  }
  private crash(reason: string): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const retry = this.pending.slice(this.pendingHead);
    this.pending = [];
    this.pendingHead = 0;
    this.call = undefined;
    // Written and unanswered events are lost; the router counts them (it knows their in-edges).
    this.fail(retry, 0, reason);
  }
  canSend(): boolean {
    if (this.state !== "up" || this.pending.length - this.pendingHead >= MAX_PENDING_WRITES) return false;
    if (this.host.outputBlocked(this.nodeId)) return false;
    if (this.sent - this.received - this.slack < MAX_UNRETURNED) return true;
    this.watchStall();
    return false;
  }
  /** No output for a while with the window full: the processor filters; widen its window. */
  private watchStall(): void {
    if (this.stallTimer) return;
    const seen = this.received;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (this.state !== "up") return;
      if (this.received === seen) this.slack += MAX_UNRETURNED / 2;
      this.host.idle(this);
    }, UNRETURNED_STALL_MS);
  }
  send(events: Buffer[]): void {
    const call = this.call!;
    this.sent += events.length;
    for (const ev of events) {
      this.pending.push(ev);
      call.write(ev, () => this.onWritten(call));
    }
  }
  private onWritten(call: unknown): void {
    if (this.call !== call) return;
    const ev = this.pending[this.pendingHead]!;
    this.pending[this.pendingHead++] = undefined as unknown as Buffer;
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    this.eventsIn++;
    this.host.delivered(this, [ev], ev.length, 0, 0);
    if (this.pending.length - this.pendingHead <= MAX_PENDING_WRITES / 2) this.host.idle(this);
  }
  get inflight(): number {
    return this.pending.length - this.pendingHead;
  }
  undelivered(): Buffer[] {
    return this.pending.slice(this.pendingHead);
  }
  close(): void {
    if (this.beginClose()) this.call?.end();
  }
  resume(): void {
    if (this.outputPaused && this.call && !this.host.outputBlocked(this.nodeId)) {
      this.outputPaused = false;
      this.call.resume();
    }
    if (this.canSend()) this.host.idle(this);
  }
  cancel(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const call = this.call;
    this.call = undefined;
    this.cancelCalls([call]);
  }
}
