/**
 * Errors → gRPC status, through core's ERROR_STATUS table only. Also marks requests whose bytes
 * could not be decoded, so they are answered INVALID_ARGUMENT instead of grpc-js's INTERNAL.
 */
import * as grpc from "@grpc/grpc-js";
import { ERROR_STATUS, InvalidArgumentError, toFlowError } from "../core/errors";
import type { Logger } from "../core/logger";

/** A FlowError (or anything thrown) as a grpc-js ServiceError. Unexpected errors are logged. */
export function toServiceError(err: unknown, logger?: Logger, method?: string): grpc.ServiceError {
  const e = toFlowError(err);
  if (e.kind === "unexpected" && e.code === "INTERNAL") logger?.error("control-plane handler failed", { method, error: e.message });
  // Operational failures (storage locked, disk full) are the operator's business, not the client's only.
  else if (e.kind === "operational") logger?.warn("control-plane call failed", { method, code: e.code, error: e.message });
  const out = Object.assign(new Error(e.message), {
    code: ERROR_STATUS[e.code].grpc as grpc.status,
    details: e.message,
    metadata: new grpc.Metadata(),
  });
  return out;
}

const MALFORMED = Symbol("malformed-request");

/** What a wrapped deserializer returns for bytes that are not a valid message. */
export interface MalformedRequest {
  [MALFORMED]: string;
}

/** Wraps a deserializer so a decoding failure reaches the handler as a value, not an INTERNAL. */
export function tolerantDeserializer<T>(deserialize: (b: Buffer) => T): (b: Buffer) => T | MalformedRequest {
  return (bytes) => {
    try {
      return deserialize(bytes);
    } catch (err) {
      return { [MALFORMED]: (err as Error).message };
    }
  };
}

/** Throws INVALID_ARGUMENT when the request could not be decoded. */
export function assertDecoded<T>(request: T | MalformedRequest): T {
  if (request !== null && typeof request === "object" && MALFORMED in request) {
    throw new InvalidArgumentError("request", `malformed protobuf message (${(request as MalformedRequest)[MALFORMED]})`);
  }
  return request as T;
}

/** A unary handler from an async function: decode check, run, map errors. */
export function unary<Req, Res>(
  method: string,
  logger: Logger,
  fn: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(assertDecoded(call.request as Req | MalformedRequest), call))
      .then(
        (res) => callback(null, res),
        (err) => callback(toServiceError(err, logger, method)),
      );
  };
}
