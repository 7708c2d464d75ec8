/**
 * The "physical limits" for our architecture: plain @grpc/grpc-js processes, no flowctl code, with
 * the same hops as a linear pipeline through the engine (source → relay → processor → relay → sink)
 * and the same event size and batch size. Roles are chosen by argv[2], the chain's kind by
 * LIMIT_MODE:
 *
 * - `ceiling` (the limit flowctl is measured against): the source sends pre-encoded batches (a
 *   pool encoded once at start), the relays forward opaque bytes, the processor re-frames the
 *   EventBatch's event bytes into a ProcessedBatch without decoding them, the sink counts events by
 *   walking the framing (framing.ts). The best a plain grpc-js implementation of these hops can do.
 * - `protobufjs` (the reference kept from before): the source encodes every batch with protobufjs
 *   as a hand-written source would; the processor echoes the bytes; the sink walks the framing.
 *
 *   source <port> <batchSize> <eventSize>        server: Source/Stream (server streaming)
 *   processor <port>                              server: Processor/Process (bidi)
 *   sink <port>                                   server: Sink/Consume (client streaming), prints counts
 *   relay <srcPort> <procPort> <sinkPort>         client of all three
 *   hop-server <port>                             server: Sink/Consume, prints counts
 *   hop-client <port> <batchSize> <eventSize>     client streaming batches into hop-server
 *
 * A batch size of 0 means the per-event wire's shape: each message is one serialized
 * flowctl.v1.Event (no EventBatch envelope), and the counting roles count one event per message
 * (pass `event` as their last argument). This is the same-hop limit of flowctl's per-event wire.
 */
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import type { Http2Server, ServerHttp2Session } from "node:http2";
import { countField, reframeToProcessed } from "./framing";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MODE = process.env.LIMIT_MODE === "ceiling" ? "ceiling" : "protobufjs";
/** Batches the ceiling source encodes once and sends in turn. */
const PREENCODED_POOL = 16;
const PROTO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../proto");
const WINDOW = 4 << 20;
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc-node.flow_control_window": WINDOW,
  "grpc.max_receive_message_length": 64 << 20,
  "grpc.max_send_message_length": 64 << 20,
  // As the engine's data-plane clients (server/engine/router/links/link.ts): the limit must use the
  // same transport tuning as flowctl, or the ratio compares settings instead of code.
  "grpc.enable_retries": 0,
};

const id = (b: Buffer): Buffer => b;
const method = (name: string, requestStream: boolean, responseStream: boolean) => ({
  path: `/bench.Limit/${name}`,
  requestStream,
  responseStream,
  requestSerialize: id,
  requestDeserialize: id,
  responseSerialize: id,
  responseDeserialize: id,
});
const SERVICE = {
  Stream: method("Stream", false, true),
  Process: method("Process", true, true),
  Consume: method("Consume", true, false),
} satisfies grpc.ServiceDefinition;

/**
 * Raises a grpc-js server's HTTP/2 stream receive window (grpc-js has no server option for it),
 * like the SDK's servers (server/sdk/wire/grpc-server.ts).
 */
function largeWindows(server: grpc.Server): grpc.Server {
  const internals = server as unknown as { commonServerOptions: { settings?: Record<string, number> } };
  internals.commonServerOptions.settings = { ...internals.commonServerOptions.settings, initialWindowSize: WINDOW };
  return server;
}

/**
 * Raises the connection-level receive window of every session, like the SDK's servers. Without it
 * the 64 KiB connection window capped the chain at ~90k ev/s with every process mostly idle
 * (one window per round trip), below what flowctl itself moved: not a limit at all.
 */
function largeSessionWindows(server: grpc.Server): void {
  const internals = server as unknown as { http2Servers?: Map<Http2Server, unknown> };
  for (const s of internals.http2Servers?.keys() ?? []) {
    s.on("session", (session: ServerHttp2Session) => {
      if (!session.destroyed) session.setLocalWindowSize(WINDOW);
    });
  }
}

async function serve(port: number, impl: grpc.UntypedServiceImplementation): Promise<void> {
  const server = largeWindows(new grpc.Server(CHANNEL_OPTIONS));
  server.addService(SERVICE, impl);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  largeSessionWindows(server);
  process.stdout.write(JSON.stringify({ ready: true }) + "\n");
}

/** Events in a batch, by walking its framing: field 1 of an EventBatch, field 2 of a ProcessedBatch. */
function countBatchEvents(buf: Buffer): number {
  return countField(buf, MODE === "ceiling" ? 2 : 1);
}

async function batchEncoder(batchSize: number, eventSize: number): Promise<() => Buffer> {
  const root = new protobuf.Root();
  // Imports in the .proto files are relative to proto/, like protoc's -I.
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_DIR, target));
  await root.load("flowctl/batch/v1/batch.proto");
  const EventBatch = root.lookupType("flowctl.batch.v1.EventBatch");
  const Event = root.lookupType("flowctl.v1.Event");
  const payload = Buffer.alloc(eventSize, 120);
  let seq = 0;
  if (batchSize === 0) {
    return () => {
      const now = Date.now();
      seq += 1;
      const event = {
        id: `evt-${seq}`,
        type: "flowctl.load.v1",
        payload,
        timestamp: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 },
        sourceComponentId: "source",
      };
      return Buffer.from(Event.encode(event).finish());
    };
  }
  const encode = () => {
    const now = Date.now();
    const events = Array.from({ length: batchSize }, (_, i) => ({
      id: `evt-${seq}-${i}`,
      type: "flowctl.load.v1",
      payload,
      timestamp: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 },
      sourceComponentId: "source",
    }));
    seq += 1;
    return Buffer.from(EventBatch.encode({ events, sequence: seq }).finish());
  };
  if (MODE === "protobufjs") return encode;
  const pool = Array.from({ length: PREENCODED_POOL }, encode);
  let i = 0;
  return () => pool[i++ % pool.length]!;
}

function reportCounts(count: () => number): void {
  setInterval(() => process.stdout.write(JSON.stringify({ t: Date.now(), count: count() }) + "\n"), 200).unref();
}

/** Messages a forwarding hop keeps in flight before it stops reading (resumes at half). */
const FORWARD_WINDOW = 32;

/**
 * Forwards every message of `from` to `to`, reading on while fewer than FORWARD_WINDOW writes are
 * unconfirmed (write callbacks) — the per-hop credits grpc-node-limits.md recommends. Pausing on
 * `write() === false` instead stalled the chain (grpc-js reports false after 16 buffered messages
 * whatever their size), leaving every process half idle.
 */
function forwardWindowed(
  from: { on(ev: "data", fn: (b: Buffer) => void): unknown; pause(): unknown; resume(): unknown },
  to: { write(b: Buffer, cb: () => void): unknown },
  transform: (b: Buffer) => Buffer = (b) => b,
): void {
  let inflight = 0;
  let paused = false;
  from.on("data", (buf: Buffer) => {
    inflight++;
    to.write(transform(buf), () => {
      inflight--;
      if (paused && inflight <= FORWARD_WINDOW / 2) {
        paused = false;
        from.resume();
      }
    });
    if (!paused && inflight >= FORWARD_WINDOW) {
      paused = true;
      from.pause();
    }
  });
}

/** Writes from `next()` as fast as the stream's flow control allows. */
function pump(stream: grpc.ClientWritableStream<Buffer> | grpc.ServerWritableStream<unknown, Buffer>, next: () => Buffer): void {
  const go = () => {
    while (stream.write(next()));
    stream.once("drain", go);
  };
  go();
}

async function main(): Promise<void> {
  const [role, a, b, c] = process.argv.slice(2);
  // Counting roles take `event` as their last argument on the per-event wire (one event per message).
  const countEvents = process.argv.at(-1) === "event" ? () => 1 : countBatchEvents;
  const client = (port: string) => new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  switch (role) {
    case "source": {
      const next = await batchEncoder(Number(b), Number(c));
      return serve(Number(a), { Stream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => pump(call, next) });
    }
    case "processor":
      return serve(Number(a), {
        Process: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
          forwardWindowed(call, call, MODE === "ceiling" ? reframeToProcessed : undefined);
          call.on("end", () => call.end());
        },
      });
    case "sink":
    case "hop-server": {
      let count = 0;
      reportCounts(() => count);
      return serve(Number(a), {
        Consume: (call: grpc.ServerReadableStream<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
          call.on("data", (buf: Buffer) => (count += countEvents(buf)));
          call.on("end", () => cb(null, Buffer.alloc(0)));
        },
      });
    }
    case "relay": {
      const src = client(a!).makeServerStreamRequest<Buffer, Buffer>(SERVICE.Stream.path, id, id, Buffer.alloc(0));
      const proc = client(b!).makeBidiStreamRequest<Buffer, Buffer>(SERVICE.Process.path, id, id);
      const sink = client(c!).makeClientStreamRequest<Buffer, Buffer>(SERVICE.Consume.path, id, id, () => undefined);
      forwardWindowed(src, proc);
      forwardWindowed(proc, sink);
      return;
    }
    case "hop-client": {
      const next = await batchEncoder(Number(b), Number(c));
      const call = client(a!).makeClientStreamRequest<Buffer, Buffer>(SERVICE.Consume.path, id, id, () => undefined);
      pump(call, next);
      return;
    }
    default:
      throw new Error(`unknown role ${role}`);
  }
}

await main();
