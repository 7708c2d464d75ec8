/** Producers: source instances on the per-event wire (server stream) and the batched wire (credits). */
import * as grpc from "@grpc/grpc-js";
import {
  identityDeserialize,
  identitySerialize,
  readEventBatch,
  writeSourceControl,
  writeStreamRequest,
} from "../../../wire/relay-codec";
import { PATHS, SOURCE_CREDITS, SourceLink, statusReason, type LinkHost } from "./link";

export class EventSourceLink extends SourceLink {
  private call: grpc.ClientReadableStream<Buffer> | undefined;
  private paused = false;
  constructor(nodeId: string, instanceId: string, endpoint: string, host: LinkHost, private readonly params: Record<string, string>) {
    super(nodeId, instanceId, "event", endpoint, host);
  }
  protected open(client: grpc.Client): void {
    const call = client.makeServerStreamRequest(PATHS.sourceEvents, identitySerialize, identityDeserialize, writeStreamRequest(this.params));
    this.call = call;
    this.paused = false;
    call.on("data", (ev: Buffer) => {
      this.eventsOut++;
      this.host.output(this, [ev]);
      if (!this.paused && this.host.outputBlocked(this.nodeId)) {
        this.paused = true;
        call.pause();
      }
    });
    call.on("error", (err) => {
      if (this.call === call) this.fail([], 0, statusReason(err));
    });
    call.on("status", (s: grpc.StatusObject) => {
      if (s.code === grpc.status.OK && this.call === call) this.finish();
    });
  }
  reset(reason: string): void {
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.fail([], 0, reason);
  }
  resume(): void {
    if (this.paused && this.call && !this.host.outputBlocked(this.nodeId)) {
      this.paused = false;
      this.call.resume();
    }
  }
  cancel(): void {
    const call = this.call;
    this.call = undefined;
    if (this.state === "up") {
      this.state = "closed";
      this.host.streamsDelta(-1);
    }
    call?.cancel();
    this.dispose();
  }
}

export class BatchSourceLink extends SourceLink {
  private call: grpc.ClientDuplexStream<Buffer, Buffer> | undefined;
  private owed = 0;
  constructor(nodeId: string, instanceId: string, endpoint: string, host: LinkHost, private readonly params: Record<string, string>) {
    super(nodeId, instanceId, "batch", endpoint, host);
  }
  protected open(client: grpc.Client): void {
    const call = client.makeBidiStreamRequest(PATHS.sourceBatches, identitySerialize, identityDeserialize);
    this.call = call;
    this.owed = 0;
    call.write(writeSourceControl(SOURCE_CREDITS, this.params));
    call.on("data", (msg: Buffer) => {
      const batch = readEventBatch(msg);
      this.eventsOut += batch.events.length;
      if (batch.events.length > 0) this.host.output(this, batch.events);
      // One credit back per batch received, unless our output is blocked: then we owe it.
      if (this.host.outputBlocked(this.nodeId)) this.owed++;
      else call.write(writeSourceControl(1));
    });
    call.on("error", (err) => {
      if (this.call === call) this.fail([], 0, statusReason(err));
    });
    call.on("status", (s: grpc.StatusObject) => {
      if (s.code === grpc.status.OK && this.call === call) this.finish();
    });
  }
  reset(reason: string): void {
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.fail([], 0, reason);
  }
  resume(): void {
    if (this.owed > 0 && this.call && this.state === "up" && !this.host.outputBlocked(this.nodeId)) {
      this.call.write(writeSourceControl(this.owed));
      this.owed = 0;
    }
  }
  cancel(): void {
    const call = this.call;
    this.call = undefined;
    if (this.state === "up") {
      this.state = "closed";
      this.host.streamsDelta(-1);
    }
    call?.cancel();
    this.dispose();
  }
}

