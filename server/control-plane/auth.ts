/**
 * Control-plane security: loopback listeners need nothing; any other listen address needs a
 * bearer token and/or TLS. The token is checked on every RPC (all services, health and reflection
 * included) by a server interceptor, with a constant-time comparison.
 */
import { isIP } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { FlowError } from "../core/errors";
import { bearerMatches } from "../wire/bearer";

/** PEM material for TLS; `ca` turns on mTLS (client certificates required and verified). */
export interface TlsOptions {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

/** True for addresses only this machine can reach. */
export function isLoopbackAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host === "::1") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (host.startsWith("::ffff:")) return host.slice(7).startsWith("127.");
  return false;
}

/**
 * Refuses an off-loopback listener that has neither a token nor TLS, with the remedy in the
 * message. A token shorter than 16 characters is refused too: it would be guessable.
 */
export function assertListenSecurity(address: string, token: string | undefined, tls: TlsOptions | undefined): void {
  if (token !== undefined && token.length < 16) {
    throw new FlowError("INVALID_ARGUMENT", "token: must be at least 16 characters (FLOWCTL_TOKEN / --token)");
  }
  if (isLoopbackAddress(address) || token || tls) return;
  throw new FlowError(
    "FAILED_PRECONDITION",
    `refusing to listen on ${address} without credentials: components and CLIs on other machines could register and stop runs. ` +
      `Set FLOWCTL_TOKEN (or --token) and/or --tls-cert/--tls-key [--tls-ca-cert], or listen on 127.0.0.1.`,
  );
}

/** gRPC server credentials: TLS (mTLS with `ca`) or insecure. */
export function serverCredentials(tls: TlsOptions | undefined): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(tls.ca ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], tls.ca !== undefined);
}

/** Constant-time check of an `authorization: Bearer <token>` metadata value. */
export function isAuthorized(metadata: grpc.Metadata, token: string): boolean {
  return bearerMatches(metadata, [token]);
}

/** Server interceptor rejecting calls without the bearer token with UNAUTHENTICATED. */
export function bearerTokenInterceptor(token: string): grpc.ServerInterceptor {
  return (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata, mdNext) => {
            if (isAuthorized(metadata, token)) mdNext(metadata);
            else call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: "missing or invalid bearer token (metadata authorization: Bearer <FLOWCTL_TOKEN>)" });
          },
        });
      },
    });
}
