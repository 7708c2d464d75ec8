/** The TLS client flags shared by `status`, `pipelines …` and `run --use-external-control-plane`. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertRunFlags, runFlagsSchema } from "./commands/run.command";
import { resolveTlsClientFlags } from "./control-plane-options";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "flowctl-cli-tls-"));
  for (const f of ["ca.crt", "c.crt", "c.key"]) fs.writeFileSync(path.join(dir, f), "-----BEGIN CERTIFICATE-----\n");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("resolveTlsClientFlags", () => {
  it("no flags: plaintext; relative files become absolute", () => {
    expect(resolveTlsClientFlags({})).toBeUndefined();
    expect(resolveTlsClientFlags({ tlsCaCert: "ca.crt" }, dir)).toEqual({ caCert: path.join(dir, "ca.crt") });
    expect(resolveTlsClientFlags({ tlsCaCert: "ca.crt", tlsCert: "c.crt", tlsKey: "c.key" }, dir)).toEqual({ caCert: path.join(dir, "ca.crt"), cert: path.join(dir, "c.crt"), key: path.join(dir, "c.key") });
  });

  it("errors name the flag: pairs, the CA, unreadable files", () => {
    expect(() => resolveTlsClientFlags({ tlsCaCert: "ca.crt", tlsCert: "c.crt" }, dir)).toThrow("--tls-cert: needs --tls-key");
    expect(() => resolveTlsClientFlags({ tlsCaCert: "ca.crt", tlsKey: "c.key" }, dir)).toThrow("--tls-key: needs --tls-cert");
    expect(() => resolveTlsClientFlags({ tlsCert: "c.crt", tlsKey: "c.key" }, dir)).toThrow("--tls-cert: needs --tls-ca-cert");
    expect(() => resolveTlsClientFlags({ tlsCaCert: "missing.crt" }, dir)).toThrow('--tls-ca-cert: cannot read "missing.crt": ENOENT');
  });
});

describe("assertRunFlags and TLS", () => {
  const flags = (extra: Record<string, unknown>) => runFlagsSchema.parse({ ...extra });

  it("TLS needs --use-external-control-plane", () => {
    expect(() => assertRunFlags(flags({ tlsCaCert: path.join(dir, "ca.crt") }), {})).toThrow("--tls-ca-cert: TLS flags apply to an external control plane only");
    expect(() => assertRunFlags(flags({ tlsCert: "x", tlsKey: "y" }), {})).toThrow("--tls-cert: TLS flags apply to an external control plane only");
    expect(assertRunFlags(flags({}), {})).toBeUndefined();
  });

  it("external: absolute files plus FLOWCTL_TLS_SERVER_NAME from the environment", () => {
    const ca = path.join(dir, "ca.crt");
    expect(assertRunFlags(flags({ useExternalControlPlane: true, tlsCaCert: ca }), { FLOWCTL_TLS_SERVER_NAME: "cp.internal" })).toEqual({ caCert: ca, serverName: "cp.internal" });
    expect(assertRunFlags(flags({ useExternalControlPlane: true, tlsCaCert: ca }), {})).toEqual({ caCert: ca });
  });
});
