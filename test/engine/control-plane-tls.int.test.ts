/**
 * Components and `flowctl run --use-external-control-plane` against a TLS and an mTLS
 * `flowctl server` (real processes, certificates generated with openssl at test time):
 * SDK built-ins register over TLS with FLOWCTL_TLS_CA_CERT (plus a bearer token) and are listed HEALTHY; an mTLS server
 * refuses a component without a client certificate (it exits 1 saying why) and accepts one with
 * FLOWCTL_TLS_CERT/KEY; bad TLS env exits 2 naming the variable; a bounded pipeline of built-ins
 * run against the mTLS server completes, its engine and components all connected over mTLS.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { killAll, runBuiltinExpectingExit, startBuiltin } from "../../server/sdk/__tests__/component-process";
import { makeTestPki, type TestPki } from "../support/tls-certs";
import { cleanupChildren, flowctl, type Cli } from "./cli-harness";
import { tempDir, waitFor } from "./engine-harness";

let dir: string;
let pki: TestPki;
/** Ports of the two `flowctl server` processes shared by the tests. */
let tlsPort: string;
let mtlsPort: string;
const servers: Cli[] = [];
/** The TLS-only server also wants a bearer token: both work together. */
const TOKEN = "tls-and-token-0123456789";

async function startServer(extra: string[]): Promise<string> {
  const server = flowctl(["server", "--port", "0", "--no-persistence", "--janitor-interval", "1s", ...extra], dir);
  servers.push(server);
  await waitFor("the control plane to be ready", () => /Control plane ready at 127\.0\.0\.1:\d+/.test(server.stdout()) || server.child.exitCode !== null, 60_000);
  const m = /Control plane ready at 127\.0\.0\.1:(\d+)/.exec(server.stdout());
  if (!m) throw new Error(`flowctl server ${extra.join(" ")} did not start:\n${server.output()}`);
  return m[1]!;
}

beforeAll(async () => {
  dir = tempDir("flowctl-tls-");
  pki = makeTestPki(dir);
  [tlsPort, mtlsPort] = await Promise.all([
    startServer(["--tls-cert", pki.serverCert, "--tls-key", pki.serverKey, "--token", TOKEN]),
    startServer(["--tls-cert", pki.serverCert, "--tls-key", pki.serverKey, "--tls-ca-cert", pki.caCert]),
  ]);
});
afterEach(killAll);
afterAll(async () => {
  await cleanupChildren();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface StatusRow {
  id: string;
  status: string;
}

/** `flowctl status -o json` against a server, over TLS with the given flags; the components it lists. */
async function listed(port: string, tlsFlags: string[]): Promise<StatusRow[]> {
  const c = flowctl(["status", "--control-plane-port", port, "-o", "json", ...tlsFlags], dir);
  const code = await c.exited;
  if (code !== 0) throw new Error(`flowctl status exited ${code}: ${c.output()}`);
  const rows: StatusRow[] = [];
  // The view groups components by role; collect every object that carries an id and a status.
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.id === "string" && typeof o.status === "string") rows.push({ id: o.id, status: o.status });
      Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(c.stdout()));
  return rows;
}

async function waitHealthy(port: string, id: string, tlsFlags: string[]): Promise<void> {
  await waitFor(`${id} to be listed HEALTHY`, async () => (await listed(port, tlsFlags)).some((r) => r.id === id && /HEALTHY/i.test(r.status) && !/UNHEALTHY/i.test(r.status)), 120_000, 200);
}

describe("SDK components and a TLS control plane", () => {
  it("a built-in registers over TLS with FLOWCTL_TLS_CA_CERT (and FLOWCTL_TOKEN), is listed HEALTHY and unregisters on SIGTERM; a certificate it does not trust fails at once", async () => {
    const sink = await startBuiltin("blackhole", { FLOWCTL_ENDPOINT: `127.0.0.1:${tlsPort}`, FLOWCTL_COMPONENT_ID: "sink-tls", FLOWCTL_TLS_CA_CERT: pki.caCert, FLOWCTL_TOKEN: TOKEN, FLOWCTL_HEARTBEAT_INTERVAL_MS: "200" });
    await waitHealthy(tlsPort, "sink-tls", ["--tls-ca-cert", pki.caCert, "--token", TOKEN]);
    sink.kill("SIGTERM");
    expect(await sink.exited).toBe(0);
    expect(sink.stderr()).toMatch(/unregistered from control plane/);

    // Trusting the wrong CA is a configuration error, reported instead of retried forever.
    const [untrusting, tokenless] = await Promise.all([
      runBuiltinExpectingExit("blackhole", { FLOWCTL_ENDPOINT: `127.0.0.1:${tlsPort}`, FLOWCTL_COMPONENT_ID: "sink-x", FLOWCTL_TLS_CA_CERT: pki.strangerCert, FLOWCTL_TOKEN: TOKEN }),
      // TLS is fine, the token is missing: the server's answer, not a TLS failure.
      runBuiltinExpectingExit("blackhole", { FLOWCTL_ENDPOINT: `127.0.0.1:${tlsPort}`, FLOWCTL_COMPONENT_ID: "sink-y", FLOWCTL_TLS_CA_CERT: pki.caCert }),
    ]);
    expect(untrusting.code).toBe(1);
    expect(untrusting.stderr).toMatch(/TLS connection to the control plane at 127\.0\.0\.1:\d+ failed: .*(verify|certificate)/);
    expect(tokenless.code).toBe(1);
    expect(tokenless.stderr).toMatch(/rejected registration: .*bearer token/);
  });

  it("mTLS: a component without a client certificate is refused and exits 1 saying why; with FLOWCTL_TLS_CERT/KEY it registers", async () => {
    const refused = await runBuiltinExpectingExit("blackhole", { FLOWCTL_ENDPOINT: `127.0.0.1:${mtlsPort}`, FLOWCTL_COMPONENT_ID: "sink-nocert", FLOWCTL_TLS_CA_CERT: pki.caCert });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/TLS connection to the control plane at 127\.0\.0\.1:\d+ failed: .*certificate required.*FLOWCTL_TLS_CERT/);

    const sink = await startBuiltin("blackhole", {
      FLOWCTL_ENDPOINT: `127.0.0.1:${mtlsPort}`,
      FLOWCTL_COMPONENT_ID: "sink-mtls",
      FLOWCTL_TLS_CA_CERT: pki.caCert,
      FLOWCTL_TLS_CERT: pki.clientCert,
      FLOWCTL_TLS_KEY: pki.clientKey,
      // The endpoint is an IP; the certificate's DNS name is checked instead.
      FLOWCTL_TLS_SERVER_NAME: "localhost",
      FLOWCTL_HEARTBEAT_INTERVAL_MS: "200",
    });
    await waitHealthy(mtlsPort, "sink-mtls", ["--tls-ca-cert", pki.caCert, "--tls-cert", pki.clientCert, "--tls-key", pki.clientKey]);
    sink.kill("SIGTERM");
    expect(await sink.exited).toBe(0);
  });

  it("bad TLS env exits 2 naming the variable (and the file)", async () => {
    const base = { FLOWCTL_ENDPOINT: `127.0.0.1:${mtlsPort}`, FLOWCTL_TLS_CA_CERT: pki.caCert };
    const [noKey, missingCa, noCa] = await Promise.all([
      runBuiltinExpectingExit("blackhole", { ...base, FLOWCTL_TLS_CERT: pki.clientCert }),
      runBuiltinExpectingExit("blackhole", { ...base, FLOWCTL_TLS_CA_CERT: path.join(dir, "missing-ca.crt") }),
      runBuiltinExpectingExit("blackhole", { FLOWCTL_ENDPOINT: `127.0.0.1:${mtlsPort}`, FLOWCTL_TLS_CERT: pki.clientCert, FLOWCTL_TLS_KEY: pki.clientKey }),
    ]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/FLOWCTL_TLS_CERT is set but FLOWCTL_TLS_KEY is not/);
    expect(missingCa.code).toBe(2);
    expect(missingCa.stderr).toContain(`FLOWCTL_TLS_CA_CERT: cannot read ${JSON.stringify(path.join(dir, "missing-ca.crt"))}: ENOENT`);
    expect(noCa.code).toBe(2);
    expect(noCa.stderr).toMatch(/FLOWCTL_TLS_CERT needs FLOWCTL_TLS_CA_CERT/);
  });
});

/** A bounded pipeline of built-ins: load-generator (300 events) → blackhole. */
function writeBuiltinPipeline(name: string): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    file,
    stringify({
      apiVersion: "flowctl/v1",
      kind: "Pipeline",
      metadata: { name },
      spec: {
        sources: [{ id: "gen", type: "load-generator", env: { EVENT_COUNT: 300, EVENT_SIZE_BYTES: 64 } }],
        sinks: [{ id: "sink", type: "blackhole", inputs: ["gen"] }],
      },
    }),
  );
  return file;
}

describe("flowctl run --use-external-control-plane with TLS", () => {
  it("runs a bounded pipeline of built-ins against an mTLS flowctl server to COMPLETED; engine and components connect with the given certificates", async () => {
    const file = writeBuiltinPipeline("tls-run");
    // Relative paths on purpose: the components get them absolute, whatever their working directory.
    const tlsFlags = ["--tls-ca-cert", path.relative(dir, pki.caCert), "--tls-cert", path.relative(dir, pki.clientCert), "--tls-key", path.relative(dir, pki.clientKey)];
    const run = flowctl(["run", file, "--use-external-control-plane", "--control-plane-address", "localhost", "--control-plane-port", mtlsPort, "--no-persistence", "--registration-timeout", "20s", ...tlsFlags], dir);
    const code = await run.exited;
    expect(code, run.output()).toBe(0);
    expect(run.stdout()).toMatch(/control plane localhost:\d+ \(external, mTLS\)/);
    expect(run.stdout()).toMatch(/gen registered/);
    expect(run.stdout()).toMatch(/sink registered/);
    expect(run.stdout()).toContain("run COMPLETED");
    expect(run.stdout()).toMatch(/at the sinks: sink 300 events/);

    // The engine's run record on that server went through the same mTLS channel.
    const runId = /run id\s+([0-9a-f-]{36})/.exec(run.stdout())![1]!;
    const info = flowctl(["pipelines", "run-info", runId, "--control-plane-port", mtlsPort, "-o", "json", "--tls-ca-cert", pki.caCert, "--tls-cert", pki.clientCert, "--tls-key", pki.clientKey], dir);
    expect(await info.exited, info.output()).toBe(0);
    expect(JSON.parse(info.stdout())).toMatchObject({ runId, status: "completed", pipelineName: "tls-run" });
  });

  it("rejects TLS flags without --use-external-control-plane and a client certificate without its key; without a client certificate an mTLS server fails the run at once", async () => {
    const embedded = flowctl(["run", "missing.yaml", "--tls-ca-cert", pki.caCert], dir);
    const noKey = flowctl(["run", "missing.yaml", "--use-external-control-plane", "--control-plane-port", mtlsPort, "--tls-ca-cert", pki.caCert, "--tls-cert", pki.clientCert], dir);
    const file = writeBuiltinPipeline("tls-refused");
    // The registration timeout is far longer than the test: the failure must not wait for it.
    const refused = flowctl(["run", file, "--use-external-control-plane", "--control-plane-port", mtlsPort, "--no-persistence", "--no-component-logs", "--registration-timeout", "10m", "--tls-ca-cert", pki.caCert], dir);
    expect(await embedded.exited).toBe(1);
    expect(embedded.output()).toMatch(/--tls-ca-cert: TLS flags apply to an external control plane only \(add --use-external-control-plane\)/);
    expect(await noKey.exited).toBe(1);
    expect(noKey.output()).toMatch(/--tls-cert: needs --tls-key/);
    expect(await refused.exited).toBe(1);
    expect(refused.stdout()).toContain("run FAILED");
    // Whichever meets the server's refusal first ends the run: the engine tracking the components,
    // or a component registering (both name the control plane and the missing certificate).
    expect(refused.stdout()).toMatch(
      /(cannot be tracked: external control plane 127\.0\.0\.1:\d+: ListComponents: TLS connection failed|TLS connection to the control plane at 127\.0\.0\.1:\d+ failed): .*certificate required/,
    );
  });
});
