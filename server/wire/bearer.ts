/**
 * `authorization: Bearer <token>` on gRPC calls, shared by the control plane (FLOWCTL_TOKEN) and the
 * components' data plane (the instance secret, or the run's token across machines). Comparison is
 * constant-time and length-independent (sha256 digests + timingSafeEqual).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import * as grpc from "@grpc/grpc-js";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** The bearer token a call carries, if any. */
export function bearerOf(metadata: grpc.Metadata): string | undefined {
  const header = metadata.get("authorization")[0];
  if (typeof header !== "string") return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m ? m[1] : undefined;
}

/** True when the call's bearer token equals one of `accepted`. */
export function bearerMatches(metadata: grpc.Metadata, accepted: readonly string[]): boolean {
  const token = bearerOf(metadata);
  if (token === undefined) return false;
  const d = digest(token);
  let ok = false;
  // Every candidate is compared, so the time does not tell which one matched.
  for (const a of accepted) ok = timingSafeEqual(d, digest(a)) || ok;
  return ok;
}

/** Metadata carrying `token` as a bearer token. */
export function bearerMetadata(token: string | undefined): grpc.Metadata {
  const md = new grpc.Metadata();
  if (token) md.set("authorization", `Bearer ${token}`);
  return md;
}
