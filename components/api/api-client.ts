/** The browser's client of the console's HTTP API: JSON in and out, errors as {@link ApiError}. */
import type { ApiErrorBody, Diagnostic } from "@/server/services/api-types";

/** An API error with the server's code, message and (validation) diagnostics. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
  }
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = (body as ApiErrorBody | null)?.error;
    throw new ApiError(res.status, err?.code ?? "UNAVAILABLE", err?.message ?? `HTTP ${res.status}`, (body as ApiErrorBody | null)?.diagnostics ?? []);
  }
  return body as T;
}

/** GET `path` (under the console's origin) as JSON. */
export async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal: signal ?? null, headers: { Accept: "application/json" } });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "UNAVAILABLE", "the console is not reachable (is `flowctl console` still running?)");
  }
  return parse<T>(res);
}

/** POST/PUT with a JSON (or raw text) body. */
export async function apiSend<T>(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown, contentType = "application/json"): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { Accept: "application/json", ...(body !== undefined ? { "Content-Type": contentType } : {}) },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, "UNAVAILABLE", "the console is not reachable (is `flowctl console` still running?)");
  }
  return parse<T>(res);
}
