/**
 * A control-plane client built at run time straight from the .proto files with @grpc/proto-loader,
 * sharing no code with server/wire or the CLI client: the compatibility tests talk to the server
 * the way a client generated from upstream's files does. Options differ from server/wire on
 * purpose (snake_case fields, int64 as strings), so nothing passes only because both sides agree.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const PROTO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../proto");

/** Loaded client constructors. */
export interface IndependentProtos {
  ControlPlaneService: grpc.ServiceClientConstructor;
  ControlPlane: grpc.ServiceClientConstructor;
  Health: grpc.ServiceClientConstructor;
}

/** Loads the three services from proto/ with upstream-style options. */
export function loadIndependentProtos(): IndependentProtos {
  const defs = protoLoader.loadSync(["flowctl/v1/control_plane.proto", "control_plane.proto", "grpc/health/v1/health.proto"], {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    includeDirs: [PROTO_ROOT],
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- dynamic package object from proto-loader
  const pkg = grpc.loadPackageDefinition(defs) as any;
  return { ControlPlaneService: pkg.flowctl.v1.ControlPlaneService, ControlPlane: pkg.flowctl.ControlPlane, Health: pkg.grpc.health.v1.Health };
}

/** Calls a unary method, resolving with the response or rejecting with the ServiceError. */
export function callUnary<T = Record<string, unknown>>(client: grpc.Client, method: string, request: unknown, metadata = new grpc.Metadata(), deadlineMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, (...a: unknown[]) => void>)[method];
    if (!fn) throw new Error(`no method ${method}`);
    fn.call(client, request, metadata, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, res: T) => (err ? reject(err) : resolve(res)));
  });
}

/** Sends raw bytes to a unary method (malformed-message tests). */
export function callRaw(client: grpc.Client, methodPath: string, bytes: Buffer, metadata = new grpc.Metadata()): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      methodPath,
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      metadata,
      { deadline: Date.now() + 10_000 },
      (err, res) => (err ? reject(err) : resolve(res!)),
    ),
  );
}

/** Metadata carrying a bearer token. */
export function bearer(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${token}`);
  return md;
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
}
