/**
 * Where the .proto files are, and the ComponentInfo.metadata keys of flowctl's own wire. Apart from
 * protos.ts (which loads every service through proto-loader) so a component, which needs neither
 * proto-loader nor most services, does not load them to read a constant.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROTO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../proto");

/** ComponentInfo.metadata key/value by which a component offers the batched wire. */
export const BATCH_WIRE_METADATA_KEY = "flowctl.wire";
export const BATCH_WIRE_V1 = "batch/v1";
/** ComponentInfo.metadata key carrying the component's Prometheus /metrics port. */
export const METRICS_PORT_METADATA_KEY = "flowctl.metrics_port";
