/** The FLOWCTL_TLS_* part of the environment contract: combinations, file reading, messages. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileRuntimeConfig, ComponentConfigError } from "./config";

let dir: string;
let ca: string;
let cert: string;
let key: string;
const PEM = (label: string) => `-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "flowctl-sdk-tls-"));
  [ca, cert, key] = ["ca.crt", "client.crt", "client.key"].map((f) => path.join(dir, f)) as [string, string, string];
  fs.writeFileSync(ca, PEM("CERTIFICATE"));
  fs.writeFileSync(cert, PEM("CERTIFICATE"));
  fs.writeFileSync(key, PEM("PRIVATE KEY"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const registering = { FLOWCTL_ENDPOINT: "127.0.0.1:8080" };
const fail = (env: Record<string, string>) => {
  try {
    compileRuntimeConfig(env, "x");
  } catch (err) {
    expect(err).toBeInstanceOf(ComponentConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ComponentConfigError");
};

describe("FLOWCTL_TLS_* env", () => {
  it("no TLS variables: plaintext", () => {
    expect(compileRuntimeConfig(registering, "x").controlPlaneTls).toBeUndefined();
  });

  it("reads the CA (TLS) and the client pair (mTLS) once, with the server name override", () => {
    const tlsOnly = compileRuntimeConfig({ ...registering, FLOWCTL_TLS_CA_CERT: ca }, "x").controlPlaneTls!;
    expect(tlsOnly.ca.toString()).toBe(PEM("CERTIFICATE"));
    expect(tlsOnly.cert).toBeUndefined();
    const mtls = compileRuntimeConfig({ ...registering, FLOWCTL_TLS_CA_CERT: ca, FLOWCTL_TLS_CERT: cert, FLOWCTL_TLS_KEY: key, FLOWCTL_TLS_SERVER_NAME: "cp.internal" }, "x").controlPlaneTls!;
    expect(mtls.key!.toString()).toBe(PEM("PRIVATE KEY"));
    expect(mtls.cert!.toString()).toBe(PEM("CERTIFICATE"));
    expect(mtls.serverName).toBe("cp.internal");
  });

  it("a certificate without its key (or the reverse) names both variables", () => {
    expect(fail({ ...registering, FLOWCTL_TLS_CA_CERT: ca, FLOWCTL_TLS_CERT: cert })).toMatch(/FLOWCTL_TLS_CERT is set but FLOWCTL_TLS_KEY is not/);
    expect(fail({ ...registering, FLOWCTL_TLS_CA_CERT: ca, FLOWCTL_TLS_KEY: key })).toMatch(/FLOWCTL_TLS_KEY is set but FLOWCTL_TLS_CERT is not/);
  });

  it("client certificate or server name without the CA is an error, not silent plaintext", () => {
    expect(fail({ ...registering, FLOWCTL_TLS_CERT: cert, FLOWCTL_TLS_KEY: key })).toMatch(/FLOWCTL_TLS_CERT needs FLOWCTL_TLS_CA_CERT/);
    expect(fail({ ...registering, FLOWCTL_TLS_SERVER_NAME: "cp" })).toMatch(/FLOWCTL_TLS_SERVER_NAME needs FLOWCTL_TLS_CA_CERT/);
  });

  it("an unreadable or non-PEM file names the variable and the path", () => {
    const missing = path.join(dir, "nope.crt");
    expect(fail({ ...registering, FLOWCTL_TLS_CA_CERT: missing })).toBe(`invalid environment: FLOWCTL_TLS_CA_CERT: cannot read ${JSON.stringify(missing)}: ENOENT`);
    const der = path.join(dir, "ca.der");
    fs.writeFileSync(der, Buffer.from([0x30, 0x82, 0x01, 0x0a]));
    expect(fail({ ...registering, FLOWCTL_TLS_CA_CERT: ca, FLOWCTL_TLS_CERT: der, FLOWCTL_TLS_KEY: key })).toMatch(/FLOWCTL_TLS_CERT: ".*ca\.der" is not a PEM file/);
  });

  it("a standalone component (no FLOWCTL_ENDPOINT) validates the variables but reads no file", () => {
    expect(compileRuntimeConfig({ FLOWCTL_TLS_CA_CERT: path.join(dir, "nope.crt") }, "x").controlPlaneTls).toBeUndefined();
    expect(() => compileRuntimeConfig({ FLOWCTL_TLS_CERT: cert }, "x")).toThrow(/FLOWCTL_TLS_KEY/);
  });
});
