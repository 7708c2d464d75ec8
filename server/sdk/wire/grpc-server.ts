/**
 * The component's gRPC server: the flowctl.v1 service of its role plus the batched wire, GetInfo,
 * HealthCheck (and Get/SaveState for sources), with larger message limits and HTTP/2 receive
 * windows so batches are not throttled by Node's 64 KiB default.
 */
import * as grpc from "@grpc/grpc-js";
import type http2 from "node:http2";
import {
  dataPlaneServices,
  lazyBatchServices,
  FLOW_CONTROL_WINDOW_BYTES,
  MAX_MESSAGE_BYTES,
  type ComponentInfoObject,
  type HealthCheckResponseObject,
} from "../../wire/event-codec";
import type { ComponentMetrics } from "../metrics";
import { bearerMatches } from "../../wire/bearer";
import type { ProcessorDefinition, SinkDefinition, SourceDefinition } from "../types";
import type { ServiceDeps } from "./deps";
import { createProcessorHandlers } from "./processor-service";
import { createSinkHandlers, type SinkEnv } from "./sink-service";
import { createSourceHandlers } from "./source-service";

/** Health reported by HealthCheck, heartbeats and /health. */
export type HealthState = "STARTING" | "HEALTHY" | "STOPPING" | "UNHEALTHY";

/** Options of {@link startComponentServer}. */
export interface ComponentServerOptions {
  deps: ServiceDeps;
  info: () => ComponentInfoObject;
  health: () => HealthState;
  batchEnv: SinkEnv;
  /** Bearer tokens a data-plane call must carry; empty = open. */
  credentials?: readonly string[];
}

/** Methods anyone may call: discovery and health probes carry no data. */
const OPEN_METHODS = /\/(GetInfo|HealthCheck)$/;

/**
 * Refuses data-plane calls without one of the accepted bearer tokens (UNAUTHENTICATED), before the
 * handler runs: nobody but the engine that started this process reads a source or writes a sink.
 */
function dataPlaneAuth(accepted: readonly string[]): grpc.ServerInterceptor {
  return (method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata, mdNext) => {
            if (OPEN_METHODS.test(method.path) || bearerMatches(metadata, accepted)) mdNext(metadata);
            else call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: `data-plane call ${method.path} without a valid bearer token (the engine's instance secret, or FLOWCTL_TOKEN)` });
          },
        });
      },
    });
}

/**
 * Wraps a definition's (de)serializers: received wire bytes are counted, and decode/encode time is
 * booked as busy (for a light handler the codec is most of a component's work, and bottleneck
 * diagnosis reads busy time).
 */
function instrumented<D extends object>(def: D, metrics: ComponentMetrics): D {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  const time = metrics.time;
  for (const [name, md] of Object.entries(def as Record<string, grpc.MethodDefinition<unknown, unknown>>)) {
    const decode = md.requestDeserialize;
    const encode = md.responseSerialize;
    out[name] = {
      ...md,
      requestDeserialize: (b: Buffer) => {
        metrics.bytesReceived += b.length;
        time.beginBusy();
        try {
          return decode(b);
        } finally {
          time.endBusy();
        }
      },
      responseSerialize: (v: unknown) => {
        time.beginBusy();
        try {
          return encode(v);
        } finally {
          time.endBusy();
        }
      },
    };
  }
  return out as D;
}

/**
 * grpc-js has no server option for the HTTP/2 receive window; it keeps the http2 settings in a
 * private field read at bind time. Guarded: if a grpc-js upgrade renames it, defaults apply.
 */
function widenServerWindows(server: grpc.Server): void {
  const internals = server as unknown as { commonServerOptions?: { settings?: http2.Settings } };
  if (internals.commonServerOptions) {
    internals.commonServerOptions.settings = { ...internals.commonServerOptions.settings, initialWindowSize: FLOW_CONTROL_WINDOW_BYTES };
  }
}

function widenSessionWindows(server: grpc.Server): void {
  const internals = server as unknown as { http2Servers?: Map<http2.Http2Server, unknown> };
  for (const s of internals.http2Servers?.keys() ?? []) {
    s.on("session", (session: http2.ServerHttp2Session) => {
      // Connection-level window; the stream-level one comes from the settings above.
      if (!session.destroyed) session.setLocalWindowSize(FLOW_CONTROL_WINDOW_BYTES);
    });
  }
}

/** Creates the server, adds the role's services and binds; returns the bound port. */
export async function startComponentServer(opts: ComponentServerOptions, host: string, port: number): Promise<{ server: grpc.Server; port: number }> {
  const { deps } = opts;
  const server = new grpc.Server({
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    ...(opts.credentials && opts.credentials.length > 0 ? { interceptors: [dataPlaneAuth(opts.credentials)] } : {}),
  });
  widenServerWindows(server);
  const m = deps.metrics;
  const getInfo: grpc.handleUnaryCall<unknown, ComponentInfoObject> = (_call, cb) => cb(null, opts.info());
  const healthCheck: grpc.handleUnaryCall<{ includeDetails: boolean }, HealthCheckResponseObject> = (_call, cb) =>
    cb(null, { status: `HEALTH_STATUS_${opts.health()}`, metrics: m.snapshot(), components: [], message: "" });

  const role = deps.def.role;
  if (role === "source") {
    const h = createSourceHandlers(deps as ServiceDeps<SourceDefinition>);
    const state = new Map<string, Record<string, string>>();
    let lastUpdated = 0;
    server.addService(instrumented(dataPlaneServices.source, m), {
      GetInfo: getInfo,
      HealthCheck: healthCheck,
      StreamEvents: h.streamEvents,
      GetState: ((call, cb) => cb(null, { state: state.get(call.request.key) ?? {}, resumeToken: "", lastUpdatedUnix: lastUpdated })) as grpc.handleUnaryCall<
        { key: string },
        { state: Record<string, string>; resumeToken: string; lastUpdatedUnix: number }
      >,
      SaveState: ((call, cb) => {
        state.set(call.request.key, { ...call.request.state });
        lastUpdated = Math.floor(Date.now() / 1000);
        cb(null, {});
      }) as grpc.handleUnaryCall<{ key: string; state: Record<string, string> }, Record<string, never>>,
    });
    server.addService(instrumented(dataPlaneServices.batchSource, m), { StreamBatches: h.streamBatches });
  } else if (role === "processor") {
    const h = createProcessorHandlers(deps as ServiceDeps<ProcessorDefinition>);
    server.addService(instrumented(dataPlaneServices.processor, m), { GetInfo: getInfo, HealthCheck: healthCheck, Process: h.processEvents });
    server.addService(instrumented(((deps.def as ProcessorDefinition | SinkDefinition).lazyDecode ? lazyBatchServices : dataPlaneServices).batchProcessor, m), { ProcessBatches: h.processBatches });
  } else {
    const h = createSinkHandlers(deps as ServiceDeps<SinkDefinition>, opts.batchEnv);
    server.addService(instrumented(dataPlaneServices.consumer, m), { GetInfo: getInfo, HealthCheck: healthCheck, Consume: h.consume });
    server.addService(instrumented(((deps.def as ProcessorDefinition | SinkDefinition).lazyDecode ? lazyBatchServices : dataPlaneServices).batchConsumer, m), { ConsumeBatches: h.consumeBatches });
  }

  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(new Error(`PORT: gRPC server cannot listen on ${host}:${port}: ${err.message}`, { cause: err })) : resolve(p),
    ),
  );
  widenSessionWindows(server);
  return { server, port: bound };
}

/** Graceful stop with a deadline, then force. */
export async function stopComponentServer(server: grpc.Server, deadlineMs: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, deadlineMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
