/**
 * Domain errors. Three kinds (n8n's split): `user` errors are the caller's to fix, `operational`
 * errors come from the environment and may be retried, `unexpected` errors are bugs. Every error
 * carries a closed `code`; edges map codes to HTTP and gRPC status through {@link ERROR_STATUS}
 * and nowhere else.
 */
export type ErrorKind = "user" | "operational" | "unexpected";

export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "VALIDATION_FAILED"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "FAILED_PRECONDITION"
  | "ILLEGAL_STATE"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "RESOURCE_EXHAUSTED"
  | "UNAVAILABLE"
  | "DEADLINE_EXCEEDED"
  | "CANCELLED"
  | "STORAGE"
  | "INTERNAL";

/** gRPC status numbers (grpc/status.h) and HTTP status per error code. Pure data: no gRPC import. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, { grpc: number; http: number }>> = {
  INVALID_ARGUMENT: { grpc: 3, http: 400 },
  VALIDATION_FAILED: { grpc: 3, http: 422 },
  NOT_FOUND: { grpc: 5, http: 404 },
  ALREADY_EXISTS: { grpc: 6, http: 409 },
  FAILED_PRECONDITION: { grpc: 9, http: 412 },
  ILLEGAL_STATE: { grpc: 9, http: 409 },
  UNAUTHENTICATED: { grpc: 16, http: 401 },
  PERMISSION_DENIED: { grpc: 7, http: 403 },
  RESOURCE_EXHAUSTED: { grpc: 8, http: 429 },
  UNAVAILABLE: { grpc: 14, http: 503 },
  DEADLINE_EXCEEDED: { grpc: 4, http: 504 },
  CANCELLED: { grpc: 1, http: 499 },
  STORAGE: { grpc: 14, http: 503 },
  INTERNAL: { grpc: 13, http: 500 },
};

/**
 * Marks flowctl errors across copies of this module: the console's route bundles load their own
 * copy, so `instanceof FlowError` fails for errors the engine threw. The brand is registry-global.
 */
const FLOW_ERROR_BRAND = Symbol.for("flowctl.FlowError");

/** Whether `err` is a FlowError, whichever copy of this module created it. */
export function isFlowError(err: unknown): err is FlowError {
  return err instanceof FlowError || (err instanceof Error && (err as unknown as Record<symbol, unknown>)[FLOW_ERROR_BRAND] === true);
}

/** Base of every flowctl error. */
export class FlowError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, opts: { kind?: ErrorKind; retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = opts.kind ?? "user";
    this.retryable = opts.retryable ?? false;
  }
}
Object.defineProperty(FlowError.prototype, FLOW_ERROR_BRAND, { value: true });

/** Bad input from a user or client; `field` names the offending field (e.g. `component.id`). */
export class InvalidArgumentError extends FlowError {
  constructor(readonly field: string, message: string) {
    super("INVALID_ARGUMENT", `${field}: ${message}`);
  }
}

export class NotFoundError extends FlowError {
  constructor(readonly entity: string, readonly id: string) {
    super("NOT_FOUND", `${entity} ${JSON.stringify(id)} not found`);
  }
}

export class AlreadyExistsError extends FlowError {
  constructor(readonly entity: string, readonly id: string) {
    super("ALREADY_EXISTS", `${entity} ${JSON.stringify(id)} already exists`);
  }
}

export class UnauthenticatedError extends FlowError {
  constructor(message = "missing or invalid bearer token") {
    super("UNAUTHENTICATED", message);
  }
}

/** A lifecycle transition that the current state does not allow (Temporal's IllegalStateError). */
export class IllegalStateError extends FlowError {
  constructor(readonly from: string, readonly to: string, what = "transition") {
    super("ILLEGAL_STATE", `illegal ${what} from ${from} to ${to}`, { kind: "unexpected" });
  }
}

/** The environment failed us (disk, network, a child process). */
export class OperationalError extends FlowError {
  constructor(message: string, opts: { retryable?: boolean; cause?: unknown; code?: ErrorCode } = {}) {
    super(opts.code ?? "UNAVAILABLE", message, { kind: "operational", retryable: opts.retryable ?? true, cause: opts.cause });
  }
}

/** A storage write or read failed; nothing half-written is visible. */
export class StorageError extends FlowError {
  constructor(message: string, cause?: unknown) {
    super("STORAGE", message, { kind: "operational", retryable: true, cause });
  }
}

/** Normalises anything thrown into a FlowError (tRPC's getTRPCErrorFromUnknown). */
export function toFlowError(err: unknown): FlowError {
  if (isFlowError(err)) return err;
  if (err instanceof Error) {
    if (err.name === "AbortError") return new FlowError("CANCELLED", err.message || "cancelled", { kind: "operational" });
    return new FlowError("INTERNAL", err.message, { kind: "unexpected", cause: err });
  }
  return new FlowError("INTERNAL", String(err), { kind: "unexpected" });
}
