/**
 * Client-side TLS towards a control plane, shared by the SDK's registration client and the engine's
 * connections to an external control plane: PEM material → gRPC channel credentials, and telling a
 * TLS failure (a misconfiguration that retrying cannot fix) from "not reachable yet".
 */
import * as grpc from "@grpc/grpc-js";

/** PEM material of a TLS connection to the control plane (files already read). */
export interface ControlPlaneTlsPem {
  /** CA bundle or certificate to trust. */
  ca: Buffer;
  /** Client certificate and key for mTLS; both or neither. */
  cert?: Buffer;
  key?: Buffer;
  /** Name checked in the server certificate instead of the endpoint's host (e.g. when dialling an IP). */
  serverName?: string;
}

/** Credentials and channel options for a control-plane client; plaintext when `tls` is undefined. */
export function controlPlaneChannel(tls: ControlPlaneTlsPem | undefined): { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions } {
  if (!tls) return { credentials: grpc.credentials.createInsecure(), options: {} };
  return {
    credentials: grpc.credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null),
    options: tls.serverName ? { "grpc.ssl_target_name_override": tls.serverName } : {},
  };
}

// What grpc-js puts in `details` when the TLS handshake (not the TCP connect) failed: OpenSSL
// errors and alerts (wrong version number = TLS client against a plaintext server, "certificate
// required" = mTLS server and no client certificate), and Node's certificate verification errors.
const TLS_FAILURE = /SSL routines|alert certificate|wrong version number|unable to verify|self[- ]signed certificate|certificate has expired|ERR_TLS_|altnames|CERT_/i;

/**
 * The TLS reason when `err` is a handshake or certificate failure, else undefined. Such failures
 * are permanent (a wrong CA, a missing client certificate, TLS against a plaintext server), so
 * callers stop retrying and report them instead of waiting for a timeout.
 */
export function tlsFailure(err: Partial<grpc.ServiceError>): string | undefined {
  if (err.code !== grpc.status.UNAVAILABLE) return undefined;
  const details = err.details ?? err.message ?? "";
  if (!TLS_FAILURE.test(details)) return undefined;
  // grpc-js wraps the cause: "No connection established. Last error: <cause> (time). Resolution note: …"
  const m = /Last error: (?:Error(?: \[[A-Z_]+\])?: )?([\s\S]*?)(?: \(\d{4}-\d\d-\d\dT[^)]*\))?\.?\s*Resolution note:/.exec(details);
  const cause = (m?.[1] ?? details).replace(/\s+/g, " ").trim();
  // OpenSSL's "<hex>:error:<code>:SSL routines:<function>:<reason>:<source file>:<line>" → reason.
  return /SSL routines:[^:]+:([^:]+)/.exec(cause)?.[1] ?? cause;
}
