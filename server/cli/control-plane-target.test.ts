import { describe, expect, it } from "vitest";
import type { DiscoveryEntry } from "../lifecycle/discovery";
import { controlPlaneClientFlagsSchema } from "./control-plane-options";
import { chooseControlPlane } from "./control-plane-target";

const flags = (raw: Record<string, unknown> = {}) => controlPlaneClientFlagsSchema.parse(raw);
const entry = (over: Partial<DiscoveryEntry>): DiscoveryEntry => ({
  version: 1,
  kind: "run",
  pid: 100,
  endpoint: "127.0.0.1:40001",
  address: "127.0.0.1",
  port: 40001,
  tokenRequired: false,
  tls: false,
  startedAt: "2026-01-01T00:00:00.000Z",
  cwd: "/p",
  database: null,
  command: "flowctl run a.yaml",
  ...over,
});
const a = entry({ pid: 100, port: 40001, endpoint: "127.0.0.1:40001", pipeline: "a", runId: "aaaaaaaa-1" });
const b = entry({ pid: 200, port: 40002, endpoint: "127.0.0.1:40002", pipeline: "b", runId: "bbbbbbbb-2" });

describe("chooseControlPlane", () => {
  it("uses the flags when the user names a control plane, whatever runs here", () => {
    const t = chooseControlPlane(flags({ controlPlanePort: "9999" }), [a], { env: {} });
    expect(t).toMatchObject({ source: "flags", options: { address: "127.0.0.1", port: 9999 } });
    expect(chooseControlPlane(flags({ controlPlaneAddr: "cp.example:7000" }), [a], { env: {} }).options).toMatchObject({ address: "cp.example", port: 7000 });
  });

  it("falls back to 127.0.0.1:8080 when nothing runs here, saying where it looked", () => {
    const t = chooseControlPlane(flags(), [], { env: {}, cwd: "/p" });
    expect(t.source).toBe("default");
    expect(t.options).toMatchObject({ address: "127.0.0.1", port: 8080, origin: "none running from this directory (nothing in /p/.flowctl/discovery)" });
  });

  it("takes the only one running, with no note", () => {
    const t = chooseControlPlane(flags(), [a], { env: {} });
    expect(t).toMatchObject({ source: "discovered", options: { port: 40001 } });
    expect(t.note).toBeUndefined();
  });

  it("with several, takes the newest (first) or the preferred one, and names the others' flags", () => {
    const t = chooseControlPlane(flags(), [b, a], { env: {} });
    expect(t.options.port).toBe(40002);
    expect(t.note).toBe(
      "note: 2 control planes are running from this directory; using 127.0.0.1:40002 (flowctl run (pipeline b, run bbbbbbbb, pid 200)). For flowctl run (pipeline a, run aaaaaaaa, pid 100): --control-plane-addr 127.0.0.1:40001",
    );
    expect(chooseControlPlane(flags(), [b, a], { env: {}, prefer: (e) => e.runId?.startsWith("aaaa") ?? false }).options.port).toBe(40001);
  });

  it("says exactly what a discovered control plane needs: a token, or TLS", () => {
    expect(() => chooseControlPlane(flags(), [entry({ tokenRequired: true, kind: "server" })], { env: {} })).toThrow(
      "the control plane at 127.0.0.1:40001 (flowctl server (pid 100)) requires a token: pass --token <token> or set FLOWCTL_TOKEN",
    );
    expect(chooseControlPlane(flags(), [entry({ tokenRequired: true })], { env: { FLOWCTL_TOKEN: "t" } }).options.token).toBe("t");
    expect(() => chooseControlPlane(flags(), [entry({ tls: true })], { env: {} })).toThrow("serves TLS: pass --tls-ca-cert <ca.pem>");
  });
});
