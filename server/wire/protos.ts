/**
 * Loads the .proto files in proto/ once per process and exposes the gRPC service definitions.
 * Shared by the control plane, the engine and the SDK (all speak the same wire).
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { PROTO_DIR } from "./proto-dir";

export { BATCH_WIRE_METADATA_KEY, BATCH_WIRE_V1, METRICS_PORT_METADATA_KEY, PROTO_DIR } from "./proto-dir";

export const PROTO_FILES = [
  "flowctl/v1/common.proto",
  "flowctl/v1/control_plane.proto",
  "flowctl/v1/source.proto",
  "flowctl/v1/processor.proto",
  "flowctl/v1/consumer.proto",
  "flowctl/batch/v1/batch.proto",
  "control_plane.proto",
] as const;

/** proto-loader options used everywhere: camelCase fields, enums as their names, int64 as numbers. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

let cached: { pkg: grpc.GrpcObject; defs: protoLoader.PackageDefinition } | undefined;

/** The package definition (for reflection) and the loaded gRPC object. */
export function loadProtos(): { pkg: grpc.GrpcObject; defs: protoLoader.PackageDefinition } {
  if (!cached) {
    const defs = protoLoader.loadSync([...PROTO_FILES], LOADER_OPTIONS);
    cached = { defs, pkg: grpc.loadPackageDefinition(defs) };
  }
  return cached;
}

type Ctor = grpc.ServiceClientConstructor;

function pick(pathParts: string[]): Ctor {
  let cur: unknown = loadProtos().pkg;
  for (const p of pathParts) cur = (cur as Record<string, unknown>)[p];
  if (!cur) throw new Error(`proto service ${pathParts.join(".")} not found`);
  return cur as Ctor;
}

/** Client constructors (and `.service` definitions for servers) of every service we speak. */
export const services = {
  get controlPlaneV1(): Ctor {
    return pick(["flowctl", "v1", "ControlPlaneService"]);
  },
  get legacyControlPlane(): Ctor {
    return pick(["flowctl", "ControlPlane"]);
  },
  get source(): Ctor {
    return pick(["flowctl", "v1", "SourceService"]);
  },
  get processor(): Ctor {
    return pick(["flowctl", "v1", "ProcessorService"]);
  },
  get consumer(): Ctor {
    return pick(["flowctl", "v1", "ConsumerService"]);
  },
  get batchSource(): Ctor {
    return pick(["flowctl", "batch", "v1", "BatchSourceService"]);
  },
  get batchProcessor(): Ctor {
    return pick(["flowctl", "batch", "v1", "BatchProcessorService"]);
  },
  get batchConsumer(): Ctor {
    return pick(["flowctl", "batch", "v1", "BatchConsumerService"]);
  },
};
