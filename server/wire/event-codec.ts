/**
 * Hot-path codec for the data plane: protobufjs types loaded straight from proto/ and grpc-js
 * service definitions whose (de)serializers use them directly, so events never go through
 * proto-loader's object conversion. Decoded events are protobufjs message instances (plain fields,
 * `payload` a Buffer); anything shaped like {@link WireEvent} encodes.
 */
import path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { EventEncoder } from "./event-encoder";
import { decodeEventBatchLazy } from "./lazy-event";
import { PROTO_DIR } from "./proto-dir";

/** `google.protobuf.Timestamp` as protobufjs reads it (int64 seconds may arrive as a Long). */
export interface WireTimestamp {
  seconds: number | { toNumber(): number };
  nanos: number;
}

/** `flowctl.v1.Event` with camelCase fields. */
export interface WireEvent {
  id: string;
  type: string;
  payload: Uint8Array;
  metadata?: Record<string, string> | null;
  timestamp?: WireTimestamp | null;
  sourceComponentId?: string;
  contentType?: string;
  stellarCursor?: { ledgerSequence: number | { toNumber(): number }; indexInLedger: number } | null;
}

export interface WireEventBatch {
  events: WireEvent[];
  sequence: number;
}

export interface WireSourceControl {
  request?: { params?: Record<string, string>; resume?: boolean; resumeToken?: string } | null;
  credits: number;
  /** Highest batch sequence the engine received from this process (0 = none or an older engine). */
  received?: number;
}

export interface WireProcessedBatch {
  sequence: number;
  events: WireEvent[];
  failed: number;
  errors: string[];
}

export interface WireBatchAck {
  sequence: number;
  consumed: number;
  failed: number;
  errors: string[];
}

const FILES = [
  "flowctl/v1/common.proto",
  "flowctl/v1/source.proto",
  "flowctl/v1/processor.proto",
  "flowctl/v1/consumer.proto",
  "flowctl/batch/v1/batch.proto",
  // For components' registration (componentControlPlaneMethods), so they need no proto-loader.
  "flowctl/v1/control_plane.proto",
];

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  // Imports are relative to proto/; google/protobuf/* resolve to protobufjs's bundled copies.
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_DIR, target));
  root.loadSync(FILES, { keepCase: false });
  root.resolveAll();
  return root;
}

const root = loadRoot();

/** protobufjs types, for callers that need toObject/fromObject on cold paths. */
export const wireTypes = {
  Event: root.lookupType("flowctl.v1.Event"),
  EventBatch: root.lookupType("flowctl.batch.v1.EventBatch"),
  SourceControl: root.lookupType("flowctl.batch.v1.SourceControl"),
  ProcessedBatch: root.lookupType("flowctl.batch.v1.ProcessedBatch"),
  BatchAck: root.lookupType("flowctl.batch.v1.BatchAck"),
  StreamRequest: root.lookupType("flowctl.v1.StreamRequest"),
  ConsumeResponse: root.lookupType("flowctl.v1.ConsumeResponse"),
  ComponentInfo: root.lookupType("flowctl.v1.ComponentInfo"),
  HealthCheckRequest: root.lookupType("flowctl.v1.HealthCheckRequest"),
  HealthCheckResponse: root.lookupType("flowctl.v1.HealthCheckResponse"),
  StateRequest: root.lookupType("flowctl.v1.StateRequest"),
  StateResponse: root.lookupType("flowctl.v1.StateResponse"),
  SaveStateRequest: root.lookupType("flowctl.v1.SaveStateRequest"),
  Empty: root.lookupType("google.protobuf.Empty"),
};

/** Converts a protobufjs Long or number to a number (int64 fields). */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v == null) return 0;
  return typeof v === "number" ? v : v.toNumber();
}

/** Milliseconds since the epoch carried by a timestamp, or undefined when absent. */
export function timestampToMs(ts: WireTimestamp | null | undefined): number | undefined {
  if (!ts) return undefined;
  return toNumber(ts.seconds) * 1000 + ts.nanos / 1e6;
}

/** A timestamp from milliseconds since the epoch (fractional milliseconds kept as nanos). */
export function msToTimestamp(ms: number): WireTimestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

type Codec<T> = { encode(v: T): Buffer; decode(b: Buffer): T };

function codec<T>(type: protobuf.Type, fixLongs?: (v: T) => T): Codec<T> {
  return {
    encode: (v) => {
      const bytes = type.encode(v as unknown as protobuf.Message).finish();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    decode: (b) => {
      const m = type.decode(b) as unknown as T;
      return fixLongs ? fixLongs(m) : m;
    },
  };
}

const fixSeq = <T extends { sequence: number }>(m: T): T => {
  m.sequence = toNumber(m.sequence as number | { toNumber(): number });
  return m;
};

const encoder = new EventEncoder(wireTypes.Event);
const protoEvent = codec<WireEvent>(wireTypes.Event);
const protoEventBatch = codec<WireEventBatch>(wireTypes.EventBatch, fixSeq);
const protoProcessedBatch = codec<WireProcessedBatch>(wireTypes.ProcessedBatch, fixSeq);

/**
 * Binary codecs of the data-plane messages. Event-carrying messages encode with the hand-written
 * {@link EventEncoder} (protobufjs was a quarter to a third of a source's CPU); decoding stays with
 * protobufjs's generated decoders.
 */
export const eventCodec = {
  event: { encode: (e: WireEvent) => encoder.event(e), decode: protoEvent.decode } satisfies Codec<WireEvent>,
  eventBatch: {
    encode: (b: WireEventBatch) => encoder.batch(b.events ?? [], { eventsField: 1, head: [], tail: [[2, b.sequence]] }) ?? protoEventBatch.encode(b),
    decode: protoEventBatch.decode,
  } satisfies Codec<WireEventBatch>,
  sourceControl: codec<WireSourceControl>(wireTypes.SourceControl),
  processedBatch: {
    encode: (b: WireProcessedBatch) =>
      encoder.batch(b.events ?? [], { eventsField: 2, head: [[1, b.sequence]], tail: [[3, b.failed]], strings: [4, b.errors ?? []] }) ?? protoProcessedBatch.encode(b),
    decode: protoProcessedBatch.decode,
  } satisfies Codec<WireProcessedBatch>,
  batchAck: codec<WireBatchAck>(wireTypes.BatchAck, fixSeq),
};

/** Codec through toObject/fromObject (enums as names, int64 as numbers) for control messages. */
function objectCodec<T>(type: protobuf.Type): Codec<T> {
  const opts: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, arrays: true, objects: true };
  return {
    encode: (v) => {
      const bytes = type.encode(type.fromObject(v as Record<string, unknown>)).finish();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    decode: (b) => type.toObject(type.decode(b), opts) as T,
  };
}

/** Plain-object shape of the control messages the component services exchange. */
export interface ComponentInfoObject {
  id: string;
  name: string;
  description: string;
  version: string;
  type: "COMPONENT_TYPE_SOURCE" | "COMPONENT_TYPE_PROCESSOR" | "COMPONENT_TYPE_CONSUMER" | "COMPONENT_TYPE_UNSPECIFIED";
  inputEventTypes: string[];
  outputEventTypes: string[];
  endpoint: string;
  metadata: Record<string, string>;
}
export interface HealthCheckResponseObject {
  status: string;
  metrics: Record<string, string>;
  components: { componentName: string; status: string; message: string }[];
  message: string;
}
export interface StreamRequestObject {
  params: Record<string, string>;
  resume: boolean;
  resumeToken: string;
}
export interface ConsumeResponseObject {
  eventsConsumed: number;
  eventsFailed: number;
  errors: string[];
}

const objectCodecs = {
  empty: objectCodec<Record<string, never>>(wireTypes.Empty),
  componentInfo: objectCodec<ComponentInfoObject>(wireTypes.ComponentInfo),
  healthRequest: objectCodec<{ includeDetails: boolean }>(wireTypes.HealthCheckRequest),
  healthResponse: objectCodec<HealthCheckResponseObject>(wireTypes.HealthCheckResponse),
  streamRequest: objectCodec<StreamRequestObject>(wireTypes.StreamRequest),
  consumeResponse: objectCodec<ConsumeResponseObject>(wireTypes.ConsumeResponse),
  stateRequest: objectCodec<{ key: string }>(wireTypes.StateRequest),
  stateResponse: objectCodec<{ state: Record<string, string>; resumeToken: string; lastUpdatedUnix: number }>(wireTypes.StateResponse),
  saveStateRequest: objectCodec<{ state: Record<string, string>; key: string }>(wireTypes.SaveStateRequest),
  registerRequest: objectCodec<{ component: ComponentInfoObject; componentId: string }>(root.lookupType("flowctl.v1.RegisterRequest")),
  registerResponse: objectCodec<{ serviceId: string; assignedTopics: string[]; connectionInfo: Record<string, string> }>(root.lookupType("flowctl.v1.RegisterResponse")),
  heartbeatRequest: objectCodec<{ serviceId: string; status: string; metrics: Record<string, string> }>(root.lookupType("flowctl.v1.HeartbeatRequest")),
  unregisterRequest: objectCodec<{ serviceId: string }>(root.lookupType("flowctl.v1.UnregisterRequest")),
};

type Method<Req, Res> = grpc.MethodDefinition<Req, Res>;

function method<Req, Res>(
  service: string,
  name: string,
  req: Codec<Req>,
  res: Codec<Res>,
  requestStream: boolean,
  responseStream: boolean,
): Method<Req, Res> {
  return {
    path: `/${service}/${name}`,
    requestStream,
    responseStream,
    requestSerialize: req.encode,
    requestDeserialize: req.decode,
    responseSerialize: res.encode,
    responseDeserialize: res.decode,
    originalName: name[0]!.toLowerCase() + name.slice(1),
  };
}

function infoMethods(service: string) {
  return {
    GetInfo: method(service, "GetInfo", objectCodecs.empty, objectCodecs.componentInfo, false, false),
    HealthCheck: method(service, "HealthCheck", objectCodecs.healthRequest, objectCodecs.healthResponse, false, false),
  };
}

const V1 = "flowctl.v1";
const BATCH = "flowctl.batch.v1";

/**
 * grpc-js service definitions (for `server.addService` and `makeGenericClientConstructor`) of every
 * data-plane service, with the codecs above as (de)serializers.
 */
export const dataPlaneServices = {
  source: {
    ...infoMethods(`${V1}.SourceService`),
    StreamEvents: method(`${V1}.SourceService`, "StreamEvents", objectCodecs.streamRequest, eventCodec.event, false, true),
    GetState: method(`${V1}.SourceService`, "GetState", objectCodecs.stateRequest, objectCodecs.stateResponse, false, false),
    SaveState: method(`${V1}.SourceService`, "SaveState", objectCodecs.saveStateRequest, objectCodecs.empty, false, false),
  },
  processor: {
    ...infoMethods(`${V1}.ProcessorService`),
    Process: method(`${V1}.ProcessorService`, "Process", eventCodec.event, eventCodec.event, true, true),
  },
  consumer: {
    ...infoMethods(`${V1}.ConsumerService`),
    Consume: method(`${V1}.ConsumerService`, "Consume", eventCodec.event, objectCodecs.consumeResponse, true, false),
  },
  batchSource: {
    StreamBatches: method(`${BATCH}.BatchSourceService`, "StreamBatches", eventCodec.sourceControl, eventCodec.eventBatch, true, true),
  },
  batchProcessor: {
    ProcessBatches: method(`${BATCH}.BatchProcessorService`, "ProcessBatches", eventCodec.eventBatch, eventCodec.processedBatch, true, true),
  },
  batchConsumer: {
    ConsumeBatches: method(`${BATCH}.BatchConsumerService`, "ConsumeBatches", eventCodec.eventBatch, eventCodec.batchAck, true, true),
  },
} as const;

const CONTROL_PLANE_V1 = `${V1}.ControlPlaneService`;

/**
 * The `flowctl.v1.ControlPlaneService` methods a component calls (register, heartbeat,
 * unregister), for `makeGenericClientConstructor`: the same messages and object shapes as the
 * proto-loader definition in protos.ts, without loading proto-loader and every .proto into each
 * component (~1 MB of heap and a parse at every start).
 */
export const componentControlPlaneMethods = {
  RegisterComponent: method(CONTROL_PLANE_V1, "RegisterComponent", objectCodecs.registerRequest, objectCodecs.registerResponse, false, false),
  Heartbeat: method(CONTROL_PLANE_V1, "Heartbeat", objectCodecs.heartbeatRequest, objectCodecs.empty, false, false),
  UnregisterComponent: method(CONTROL_PLANE_V1, "UnregisterComponent", objectCodecs.unregisterRequest, objectCodecs.empty, false, false),
} as const;

/**
 * The batched processor and consumer services with their input events decoded on demand
 * ({@link decodeEventBatchLazy}), for definitions with `lazyDecode`.
 */
export const lazyBatchServices = {
  batchProcessor: {
    ProcessBatches: method(`${BATCH}.BatchProcessorService`, "ProcessBatches", { encode: eventCodec.eventBatch.encode, decode: decodeEventBatchLazy }, eventCodec.processedBatch, true, true),
  },
  batchConsumer: {
    ConsumeBatches: method(`${BATCH}.BatchConsumerService`, "ConsumeBatches", { encode: eventCodec.eventBatch.encode, decode: decodeEventBatchLazy }, eventCodec.batchAck, true, true),
  },
} as const;

/** Largest gRPC message either side accepts (a batch of 1 KiB events is ~110 KB per 100). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** HTTP/2 receive window for data-carrying streams; Node's 64 KiB default throttles batches. */
export const FLOW_CONTROL_WINDOW_BYTES = 4 * 1024 * 1024;

/** Channel options for clients of data-plane services (engine, tests). */
export const DATA_PLANE_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  "grpc-node.flow_control_window": FLOW_CONTROL_WINDOW_BYTES,
};
