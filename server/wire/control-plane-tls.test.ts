/** Which control-plane call failures are TLS misconfigurations (final) and what they say. */
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { controlPlaneChannel, tlsFailure } from "./control-plane-tls";

// `details` as grpc-js 1.14 reports them here (captured against a real TLS/mTLS control plane).
const unavailable = (details: string) => ({ code: grpc.status.UNAVAILABLE, details });
const NO_CLIENT_CERT =
  "No connection established. Last error: 80ACCC4E2C7F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116\n (2026-11-27T17:11:19.807Z). Resolution note: ";
const PLAINTEXT_SERVER =
  "No connection established. Last error: Error: 808C4C824C7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n. Resolution note: ";

describe("tlsFailure", () => {
  it("extracts the reason of handshake and certificate failures", () => {
    expect(tlsFailure(unavailable(NO_CLIENT_CERT))).toBe("tlsv13 alert certificate required");
    expect(tlsFailure(unavailable(PLAINTEXT_SERVER))).toBe("wrong version number");
    expect(tlsFailure(unavailable("No connection established. Last error: Error: unable to verify the first certificate. Resolution note: "))).toBe("unable to verify the first certificate");
    expect(
      tlsFailure(unavailable("No connection established. Last error: Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: Host: example.com. is not in the cert's altnames: DNS:localhost. Resolution note: ")),
    ).toMatch(/^Hostname\/IP does not match certificate's altnames/);
  });

  it("leaves 'not reachable yet' and non-UNAVAILABLE errors alone (those are retried or reported as they are)", () => {
    expect(tlsFailure(unavailable("No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: "))).toBeUndefined();
    expect(tlsFailure(unavailable("No connection established. Last error: Failed to connect (2026-11-27T17:11:19.801Z). Resolution note: "))).toBeUndefined();
    expect(tlsFailure({ code: grpc.status.UNAUTHENTICATED, details: "certificate required" })).toBeUndefined();
  });
});

describe("controlPlaneChannel", () => {
  it("is plaintext without TLS material, secure with it, and overrides the checked name only when asked", () => {
    expect(controlPlaneChannel(undefined).credentials._isSecure()).toBe(false);
    const pem = Buffer.from("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
    // An empty PEM block is enough for createSsl; the handshake itself is tested end to end.
    const secure = controlPlaneChannel({ ca: pem });
    expect(secure.credentials._isSecure()).toBe(true);
    expect(secure.options).toEqual({});
    expect(controlPlaneChannel({ ca: pem, serverName: "cp.internal" }).options).toEqual({ "grpc.ssl_target_name_override": "cp.internal" });
  });
});
