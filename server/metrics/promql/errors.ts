/**
 * Errors of the PromQL engine and its HTTP API, typed by Prometheus's `errorType`. Each type maps
 * to one flowctl error code, so the HTTP status comes from the project's single table
 * (`ERROR_STATUS` in server/core/errors.ts) and equals the one Prometheus answers.
 */
import { FlowError, type ErrorCode } from "../../core/errors";

/** Prometheus API `errorType` values this engine produces. */
export type PromErrorType = "bad_data" | "execution" | "timeout" | "canceled" | "internal" | "not_found";

/** errorType → flowctl code; with ERROR_STATUS: 400, 422, 503, 499, 500, 404 as in Prometheus. */
export const PROM_ERROR_CODES: Readonly<Record<PromErrorType, ErrorCode>> = {
  bad_data: "INVALID_ARGUMENT",
  execution: "VALIDATION_FAILED",
  timeout: "UNAVAILABLE",
  canceled: "CANCELLED",
  internal: "INTERNAL",
  not_found: "NOT_FOUND",
};

/** An error answered in Prometheus's format; `message` is the `error` field verbatim. */
export class PromQLError extends FlowError {
  constructor(
    readonly errorType: PromErrorType,
    message: string,
  ) {
    super(PROM_ERROR_CODES[errorType], message, { kind: errorType === "internal" ? "unexpected" : errorType === "timeout" ? "operational" : "user" });
  }
}

/**
 * A query text Prometheus would refuse (or that uses what this engine does not implement):
 * `line:col: parse error: …`, the column 1-based as in Prometheus.
 */
export class PromQLParseError extends PromQLError {
  constructor(
    readonly query: string,
    readonly position: number,
    readonly reason: string,
  ) {
    super("bad_data", `${lineCol(query, position)}: parse error: ${reason}`);
  }
}

/** Prometheus's `line:col` of a character offset. */
function lineCol(query: string, pos: number): string {
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < Math.min(pos, query.length); i++) {
    if (query[i] === "\n") {
      line++;
      lastBreak = i;
    }
  }
  return `${line}:${pos - lastBreak}`;
}
