/**
 * Control-plane security over real sockets: off-loopback listeners need a token and/or TLS, the
 * token is checked on every RPC, TLS and mTLS with certificates generated at test time.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FlowError } from "../core/errors";
import { isLoopbackAddress } from "./auth";
import { startControlPlane, type ControlPlaneHandle } from "./control-plane.server";
import { ComponentRegistry } from "./registry";
import { bearer, callUnary, loadIndependentProtos } from "./test-support/independent-client";

const protos = loadIndependentProtos();
const TOKEN = "s3cret-token-for-tests-0123456789";
let dir: string;
const servers: ControlPlaneHandle[] = [];
const clients: grpc.Client[] = [];

/** A self-signed EC certificate valid for localhost and 127.0.0.1. */
function selfSigned(name: string): { cert: Buffer; key: Buffer } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${name}`,
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ], { stdio: "ignore" });
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

function client<T extends grpc.Client>(ctor: new (addr: string, creds: grpc.ChannelCredentials, opts?: object) => T, port: number, creds = grpc.credentials.createInsecure()): T {
  const c = new ctor(`127.0.0.1:${port}`, creds, { "grpc.ssl_target_name_override": "localhost" });
  clients.push(c);
  return c;
}

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalIPv4(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  return undefined;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-cp-sec-"));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close({ graceMs: 1_000 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("control-plane security", () => {
  it("classifies loopback addresses", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"].every(isLoopbackAddress)).toBe(true);
    expect(["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "example.com"].some(isLoopbackAddress)).toBe(false);
  });

  it("a port already in use is a clear error", async () => {
    const cp = await startControlPlane({ port: 0, registry: new ComponentRegistry() });
    servers.push(cp);
    await expect(startControlPlane({ port: cp.port, registry: new ComponentRegistry() })).rejects.toThrow(`control plane cannot listen on 127.0.0.1:${cp.port}`);
  });

  it("refuses to listen off-loopback without a token or TLS, with a clear message", async () => {
    const err = await startControlPlane({ address: "0.0.0.0", port: 0, registry: new ComponentRegistry() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowError);
    expect((err as FlowError).code).toBe("FAILED_PRECONDITION");
    expect((err as Error).message).toMatch(/refusing to listen on 0\.0\.0\.0.*FLOWCTL_TOKEN.*--tls-cert/);
    await expect(startControlPlane({ address: "0.0.0.0", port: 0, token: "short", registry: new ComponentRegistry() })).rejects.toThrow(/at least 16/);
  });

  it("off-loopback with a token: every RPC without the right bearer token is UNAUTHENTICATED", async () => {
    const address = externalIPv4() ?? "0.0.0.0";
    const cp = await startControlPlane({ address, port: 0, token: TOKEN, registry: new ComponentRegistry() });
    servers.push(cp);
    const target = address === "0.0.0.0" ? "127.0.0.1" : address;
    const mk = <T extends grpc.Client>(ctor: new (a: string, c: grpc.ChannelCredentials) => T) => {
      const c = new ctor(`${target}:${cp.port}`, grpc.credentials.createInsecure());
      clients.push(c);
      return c;
    };
    const v1 = mk(protos.ControlPlaneService);
    const legacy = mk(protos.ControlPlane);
    const health = mk(protos.Health);
    const comp = { id: "auth-a", type: "COMPONENT_TYPE_SOURCE", endpoint: ":1" };
    await expect(callUnary(v1, "RegisterComponent", { component: comp })).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    await expect(callUnary(v1, "ListComponents", {}, bearer("wrong-token-wrong-token"))).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    await expect(callUnary(legacy, "ListPipelineRuns", {})).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    await expect(callUnary(health, "Check", { service: "" })).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    const md = new grpc.Metadata();
    md.set("authorization", TOKEN); // without the "Bearer " scheme
    await expect(callUnary(v1, "ListComponents", {}, md)).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });

    expect(await callUnary(v1, "RegisterComponent", { component: comp }, bearer(TOKEN))).toMatchObject({ service_id: "auth-a" });
    expect(await callUnary(health, "Check", { service: "flowctl.v1.ControlPlaneService" }, bearer(TOKEN))).toEqual({ status: "SERVING" });
  });

  it("TLS: a client trusting the certificate connects; a plaintext client cannot", async () => {
    const server = selfSigned("server");
    const cp = await startControlPlane({ address: "127.0.0.1", port: 0, tls: server, registry: new ComponentRegistry() });
    servers.push(cp);
    const secure = client(protos.ControlPlaneService, cp.port, grpc.credentials.createSsl(server.cert));
    expect(await callUnary(secure, "ListComponents", {})).toEqual({ components: [] });
    const plain = client(protos.ControlPlaneService, cp.port);
    await expect(callUnary(plain, "ListComponents", {}, undefined, 30_000)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });

  it("mTLS: the server requires a client certificate signed by the configured CA", async () => {
    const server = selfSigned("server-m");
    const clientCert = selfSigned("client-m");
    const cp = await startControlPlane({ address: "0.0.0.0", port: 0, tls: { ...server, ca: clientCert.cert }, registry: new ComponentRegistry() });
    servers.push(cp);
    const withCert = client(protos.ControlPlaneService, cp.port, grpc.credentials.createSsl(server.cert, clientCert.key, clientCert.cert));
    expect(await callUnary(withCert, "ListComponents", {})).toEqual({ components: [] });
    const withoutCert = client(protos.ControlPlaneService, cp.port, grpc.credentials.createSsl(server.cert));
    await expect(callUnary(withoutCert, "ListComponents", {}, undefined, 30_000)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });
});
