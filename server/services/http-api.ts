/**
 * The console's HTTP edge helpers, shared by every route handler: parse input with zod, map any
 * error to its status through the one error table (`ERROR_STATUS`), answer JSON. A route is then
 * parse → call one service → map the result.
 */
import type { z } from "zod";
import { ERROR_STATUS, FlowError, toFlowError } from "../core/errors";
import type { ApiErrorBody } from "./api-types";
import type { ValidationFailedError } from "./validation-error";

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers } });
}

/** Any thrown value as the API's error body, with the status its code maps to. */
export function errorResponse(err: unknown): Response {
  const e = toFlowError(err);
  const body: ApiErrorBody = { error: { code: e.code, message: e.message } };
  // Checked by shape: the error may come from another copy of its module (see isFlowError).
  const diagnostics = (err as Partial<ValidationFailedError>).diagnostics;
  if (e.code === "VALIDATION_FAILED" && Array.isArray(diagnostics)) body.diagnostics = diagnostics;
  return json(body, ERROR_STATUS[e.code].http);
}

/** Runs a handler, turning whatever it throws into the mapped error response. */
export async function handle(fn: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    return errorResponse(err);
  }
}

/** Parses `value` with `schema`; INVALID_ARGUMENT naming each bad field otherwise. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const detail = r.error.issues.map((i) => `${[where, ...i.path].join(".")}: ${i.message}`).join("; ");
  throw new FlowError("INVALID_ARGUMENT", detail);
}

/** A JSON body parsed with `schema`; an empty body is `{}`. Text that is not JSON names what to send. */
export async function parseJsonBody<S extends z.ZodType>(req: Request, schema: S, example: string): Promise<z.output<S>> {
  const text = await req.text();
  let raw: unknown = {};
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new FlowError("INVALID_ARGUMENT", `body: not JSON (send ${example})`);
    }
  }
  return parseInput(schema, raw, "body");
}

/** Query parameters as a plain object (repeated keys: the last wins, except `match[]`-style lists). */
export function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}
