import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commandLine, discoveryDir, readDiscovery, writeDiscovery } from "./discovery";

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(path.join(os.tmpdir(), "flowctl-discovery-"));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

const base = { kind: "run" as const, address: "127.0.0.1", port: 40123, tokenRequired: true, tls: false, database: "/x/.flowctl/flowctl.db", runId: "1d06632b-aaaa", pipeline: "demo" };

/** A pid that surely belongs to no process: one that just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

describe("discovery files", () => {
  it("writes where the control plane listens and what serves it, never the token, and removes it", () => {
    const rec = writeDiscovery(base, { cwd });
    expect(path.dirname(rec.file)).toBe(discoveryDir(cwd));
    const stored = JSON.parse(readFileSync(rec.file, "utf8")) as Record<string, unknown>;
    expect(stored).toMatchObject({ version: 1, kind: "run", pid: process.pid, endpoint: "127.0.0.1:40123", tokenRequired: true, tls: false, runId: "1d06632b-aaaa", cwd });
    expect(readDiscovery({ cwd }).entries.map((e) => e.endpoint)).toEqual(["127.0.0.1:40123"]);
    rec.remove();
    expect(existsSync(rec.file)).toBe(false);
    expect(readDiscovery({ cwd }).entries).toEqual([]);
  });

  it("never records the value of a secret flag in the command line", () => {
    expect(commandLine(["server", "--token", "s3cret", "--port", "0"])).toBe("flowctl server --token *** --port 0");
    expect(commandLine(["server", "--token=s3cret"])).toBe("flowctl server --token=***");
    expect(commandLine(["run", "my pipeline.yaml"])).toBe('flowctl run "my pipeline.yaml"');
  });

  it("dials a wildcard listen address on loopback", () => {
    const rec = writeDiscovery({ ...base, kind: "server", address: "0.0.0.0", port: 8080 }, { cwd });
    expect(rec.entry.endpoint).toBe("127.0.0.1:8080");
    rec.remove();
  });

  it("ignores and deletes the file of a process that is gone, and lists newest first", () => {
    const dir = discoveryDir(cwd);
    mkdirSync(dir, { recursive: true });
    const pid = deadPid();
    const stale = path.join(dir, `${pid}-8080.json`);
    writeFileSync(stale, JSON.stringify({ ...base, version: 1, pid, endpoint: "127.0.0.1:8080", port: 8080, startedAt: new Date().toISOString(), cwd, command: "flowctl run" }));
    const older = writeDiscovery({ ...base, port: 1111 }, { cwd });
    const newer = writeDiscovery({ ...base, kind: "server", port: 2222 }, { cwd });
    // Same process and millisecond: order by start time needs distinct times.
    const olderEntry = JSON.parse(readFileSync(older.file, "utf8")) as Record<string, unknown>;
    writeFileSync(older.file, JSON.stringify({ ...olderEntry, startedAt: new Date(Date.now() - 60_000).toISOString() }));
    const { entries, ignored } = readDiscovery({ cwd });
    expect(entries.map((e) => e.port)).toEqual([2222, 1111]);
    expect(ignored).toEqual([]);
    expect(existsSync(stale)).toBe(false);
    older.remove();
    newer.remove();
  });

  it("skips a malformed file with the reason, without failing", () => {
    const dir = discoveryDir(cwd);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "1-2.json"), "{ not json");
    writeFileSync(path.join(dir, "3-4.json"), JSON.stringify({ version: 1, kind: "run", pid: process.pid }));
    const { entries, ignored } = readDiscovery({ cwd });
    expect(entries).toEqual([]);
    expect(ignored.map((i) => path.basename(i.file)).sort()).toEqual(["1-2.json", "3-4.json"]);
    expect(ignored.find((i) => i.file.endsWith("3-4.json"))!.reason).toMatch(/^endpoint: /);
  });

  it("reads nothing (and creates nothing) where no process ever wrote", () => {
    expect(readDiscovery({ cwd })).toEqual({ entries: [], ignored: [] });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("is removed when the process exits without calling remove()", () => {
    const script = `import { writeDiscovery } from ${JSON.stringify(path.resolve(import.meta.dirname, "discovery.ts"))};
      writeDiscovery({ kind: "server", address: "127.0.0.1", port: 9, tokenRequired: false, tls: false, database: null }, { cwd: ${JSON.stringify(cwd)} });
      process.exit(0);`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", cwd: path.resolve(import.meta.dirname, "../..") });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(discoveryDir(cwd))).toEqual([]);
  });
});
