import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IllegalStateError, InvalidArgumentError, NotFoundError, AlreadyExistsError, StorageError } from "../core/errors";
import type { RegisteredComponent } from "../core/registry";
import { readMigrations } from "./migrate";
import type { Db } from "./prisma-client";
import { openStore, type Store } from "./store";

let dir: string;
const opened: Store[] = [];

async function open(file = "flowctl.db", extra: Parameters<typeof openStore>[0] = {}): Promise<Store> {
  const s = await openStore({ databaseUrl: `file:${path.join(dir, file)}`, ...extra });
  opened.push(s);
  return s;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowctl-store-"));
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

function component(id: string): RegisteredComponent {
  return {
    serviceId: id,
    info: {
      id,
      name: `${id}-name`,
      description: "d",
      version: "1.2.3",
      type: "PROCESSOR",
      inputEventTypes: ["in.v1"],
      outputEventTypes: ["out.v1", "other.v1"],
      endpoint: "127.0.0.1:5000",
      metadata: { team: "x", "flowctl.wire": "batch/v1" },
    },
    status: "DEGRADED",
    registeredAt: new Date("2026-01-01T00:00:00.000Z"),
    lastHeartbeat: new Date("2026-01-01T00:00:05.123Z"),
    metrics: { processed: "10" },
  };
}

describe("store (SQLite file, real migrations)", () => {
  it("migrates a fresh file, writes and reads every model, and finds everything after reopening", async () => {
    const s1 = await open();
    expect(s1.appliedMigrations).toEqual(readMigrations().map((m) => m.name));

    const v1 = await s1.pipelines.saveVersion("orders", "kind: Pipeline\n", "first");
    const run = await s1.runs.create({ pipelineName: "orders", pipelineVersionId: v1.id, componentIds: ["src", "sink"], configYaml: "kind: Pipeline\n" });
    await s1.runs.update(run.runId, { status: "RUNNING" });
    const metrics = { eventsProcessed: 5, eventsPerSecond: 2.5, bytesProcessed: 100, components: {} };
    await s1.runs.update(run.runId, { metrics });
    await s1.runs.appendEvent(run.runId, { type: "component.started", componentId: "src", message: "started pid 42", data: { pid: 42 } });
    await s1.components.upsert(component("proc"));
    await s1.pipelines.saveLayout(v1.id, { version: 1, positions: { src: { x: 0, y: 10 }, sink: { x: 300.5, y: -20 } } });
    await s1.metrics.saveRollups(run.runId, [
      { name: "component_queue_depth", labels: { component_id: "proc" }, t: new Date(10_000), value: 3 },
      { name: "component_queue_depth", labels: { component_id: "proc" }, t: new Date(20_000), value: 4.5 },
    ]);
    await s1.close();

    const s2 = await open();
    expect(s2.appliedMigrations).toEqual([]);
    expect(await s2.pipelines.get("orders")).toMatchObject({ name: "orders", latestVersion: 1 });
    expect(await s2.pipelines.getVersion(v1.id)).toMatchObject({ pipelineName: "orders", version: 1, yaml: "kind: Pipeline\n", message: "first", contentHash: v1.contentHash });
    expect(await s2.pipelines.getLayout(v1.id)).toEqual({ ok: true, layout: { version: 1, positions: { src: { x: 0, y: 10 }, sink: { x: 300.5, y: -20 } } } });
    expect(await s2.runs.get(run.runId)).toMatchObject({
      pipelineName: "orders",
      pipelineVersionId: v1.id,
      status: "RUNNING",
      componentIds: ["src", "sink"],
      configYaml: "kind: Pipeline\n",
      metrics,
      endedAt: null,
      error: null,
    });
    const events = await s2.runs.listEvents(run.runId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "component.started", componentId: "src", message: "started pid 42", data: { pid: 42 } });
    expect(await s2.components.list()).toEqual([component("proc")]);
    expect(await s2.runs.listRollups(run.runId)).toEqual([
      { name: "component_queue_depth", labels: { component_id: "proc" }, t: new Date(10_000), value: 3 },
      { name: "component_queue_depth", labels: { component_id: "proc" }, t: new Date(20_000), value: 4.5 },
    ]);
  });

  it("never overwrites a version; identical content returns the latest version", async () => {
    const s = await open();
    const a = await s.pipelines.saveVersion("p", "a: 1\n");
    const same = await s.pipelines.saveVersion("p", "a: 1\n", "no change");
    const b = await s.pipelines.saveVersion("p", "a: 2\n", "second");
    const back = await s.pipelines.saveVersion("p", "a: 1\n", "revert");
    expect(same.id).toBe(a.id);
    expect([a.version, b.version, back.version]).toEqual([1, 2, 3]);
    expect((await s.pipelines.listVersions("p")).map((v) => [v.version, v.yaml])).toEqual([
      [3, "a: 1\n"],
      [2, "a: 2\n"],
      [1, "a: 1\n"],
    ]);
    expect((await s.pipelines.getVersion(a.id))?.yaml).toBe("a: 1\n");
    await expect(s.pipelines.listVersions("missing")).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.pipelines.saveVersion(" ", "x")).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("layouts: one per version, overwritten in place; unknown versions refused; a corrupt stored value reported, not trusted", async () => {
    const s = await open();
    const a = await s.pipelines.saveVersion("p", "a: 1\n");
    const b = await s.pipelines.saveVersion("p", "a: 2\n");
    expect(await s.pipelines.getLayout(a.id)).toBeNull();
    await s.pipelines.saveLayout(a.id, { version: 1, positions: { x: { x: 1, y: 2 } } });
    await s.pipelines.saveLayout(a.id, { version: 1, positions: { x: { x: 5, y: 6 } } });
    await s.pipelines.saveLayout(b.id, { version: 1, positions: {} });
    expect(await s.pipelines.getLayout(a.id)).toEqual({ ok: true, layout: { version: 1, positions: { x: { x: 5, y: 6 } } } });
    expect(await s.pipelines.getLayout(b.id)).toEqual({ ok: true, layout: { version: 1, positions: {} } });
    // The version itself is untouched by layout writes.
    expect((await s.pipelines.listVersions("p")).map((v) => v.version)).toEqual([2, 1]);
    await expect(s.pipelines.saveLayout("no-such-version", { version: 1, positions: {} })).rejects.toBeInstanceOf(NotFoundError);

    const raw = createClient({ url: s.url });
    await raw.execute({ sql: `UPDATE "PipelineLayout" SET "layout" = ? WHERE "versionId" = ?`, args: [JSON.stringify({ version: 1, positions: { x: { x: "far", y: 0 } } }), a.id] });
    await raw.execute({ sql: `UPDATE "PipelineLayout" SET "layout" = ? WHERE "versionId" = ?`, args: ["{not json", b.id] });
    raw.close();
    const bad = await s.pipelines.getLayout(a.id);
    expect(bad?.ok).toBe(false);
    expect(bad && !bad.ok && bad.errors[0]!.path).toBe("positions.x.x");
    expect(await s.pipelines.getLayout(b.id)).toEqual({ ok: false, errors: [{ path: "", message: "PipelineLayout.layout holds invalid JSON" }] });
  });

  it("guards run transitions, lists newest first with the limit after ordering, resolves prefixes", async () => {
    const s = await open();
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 5; i++) await s.runs.create({ runId: `run-${i}-${"abcdef"[i]}`, pipelineName: i % 2 ? "odd" : "even", startedAt: new Date(base + i * 1000) });
    expect((await s.runs.list({ limit: 2 })).map((r) => r.runId)).toEqual(["run-4-e", "run-3-d"]);
    expect((await s.runs.list({ pipelineName: "even" })).map((r) => r.runId)).toEqual(["run-4-e", "run-2-c", "run-0-a"]);

    await s.runs.update("run-1-b", { status: "RUNNING" });
    const done = await s.runs.update("run-1-b", { status: "COMPLETED" });
    expect(done.endedAt).toBeInstanceOf(Date);
    await expect(s.runs.update("run-1-b", { status: "RUNNING" })).rejects.toBeInstanceOf(IllegalStateError);
    expect((await s.runs.list({ status: "COMPLETED" })).map((r) => r.runId)).toEqual(["run-1-b"]);
    await expect(s.runs.update("nope", { status: "RUNNING" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.runs.create({ runId: "run-0-a", pipelineName: "x" })).rejects.toBeInstanceOf(AlreadyExistsError);

    expect((await s.runs.findByPrefix("run-3")).runId).toBe("run-3-d");
    await expect(s.runs.findByPrefix("run-")).rejects.toThrow(/ambiguous/);
    await expect(s.runs.findByPrefix("zzz")).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.runs.appendEvent("zzz", { type: "run.status", message: "x" })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("marks runs left STARTING/RUNNING by a dead owner as INTERRUPTED, sparing live owners and the ones listed", async () => {
    const s = await open();
    // A pid that certainly exited: a finished child process's.
    const { spawnSync } = await import("node:child_process");
    const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid;
    const dead = `${os.hostname()}:${deadPid}`;
    const a = await s.runs.create({ pipelineName: "p", owner: dead });
    const b = await s.runs.create({ pipelineName: "p", status: "RUNNING", owner: dead });
    const c = await s.runs.create({ pipelineName: "p", status: "RUNNING", owner: dead });
    const mine = await s.runs.create({ pipelineName: "p", status: "RUNNING" });
    const remote = await s.runs.create({ pipelineName: "p", status: "RUNNING", owner: "some-other-host:1" });
    const done = await s.runs.create({ pipelineName: "p", status: "RUNNING", owner: dead });
    await s.runs.update(done.runId, { status: "STOPPED" });
    const changed = await s.runs.markInterrupted({ except: [c.runId] });
    expect(changed.sort()).toEqual([a.runId, b.runId].sort());
    expect((await s.runs.get(mine.runId))?.status).toBe("RUNNING");
    expect((await s.runs.get(remote.runId))?.status).toBe("RUNNING");
    expect(await s.runs.markInterrupted({ includeOtherHosts: true, except: [c.runId] })).toEqual([remote.runId]);
    expect(await s.runs.get(b.runId)).toMatchObject({ status: "INTERRUPTED", error: expect.stringContaining("interrupted") });
    expect((await s.runs.get(c.runId))?.status).toBe("RUNNING");
    expect((await s.runs.get(done.runId))?.status).toBe("STOPPED");
    expect((await s.runs.listEvents(b.runId)).map((e) => e.type)).toEqual(["run.status"]);
  });

  it("rollups: re-saving a (series, t) replaces the value; filters by name, labels and time", async () => {
    const s = await open();
    const run = await s.runs.create({ pipelineName: "p" });
    const t = (n: number) => new Date(n * 10_000);
    await s.metrics.saveRollups(run.runId, [
      { name: "a", labels: { c: "1", z: "9" }, t: t(1), value: 1 },
      { name: "a", labels: { c: "2" }, t: t(1), value: 2 },
      { name: "b", labels: {}, t: t(2), value: 3 },
    ]);
    await s.metrics.saveRollups(run.runId, [{ name: "a", labels: { z: "9", c: "1" }, t: t(1), value: 10 }]);
    expect(await s.metrics.listRollups(run.runId, { names: ["a"], labels: { c: "1" } })).toEqual([{ name: "a", labels: { c: "1", z: "9" }, t: t(1), value: 10 }]);
    expect((await s.metrics.listRollups(run.runId, { from: t(2) })).map((p) => p.name)).toEqual(["b"]);
    await expect(s.metrics.saveRollups(run.runId, [{ name: "", labels: {}, t: t(1), value: 1 }])).rejects.toThrow(/points\[0\]\.name/);
    // A batch for a run that does not exist violates the foreign key: nothing of it is written.
    await expect(s.metrics.saveRollups("missing-run", [{ name: "a", labels: {}, t: t(1), value: 1 }])).rejects.toBeInstanceOf(StorageError);
  });

  it("upserts many component snapshots at once: new ones inserted, known ones replaced, every field kept", async () => {
    const s = await open();
    await s.components.upsertMany([component("a"), component("b")]);
    const later = { ...component("a"), status: "HEALTHY" as const, lastHeartbeat: new Date("2026-01-01T00:01:00.000Z"), metrics: { processed: "99" } };
    await s.components.upsertMany([later, ...Array.from({ length: 250 }, (_, i) => component(`bulk-${i}`))]);
    const all = await s.components.list();
    expect(all).toHaveLength(252);
    expect(all.find((c) => c.serviceId === "a")).toEqual(later);
    expect(all.find((c) => c.serviceId === "b")).toEqual(component("b"));
  });

  it("writes the frequent records with synchronous = NORMAL, also after an interactive transaction reconnected", async () => {
    const s = await open();
    const db = (s.metrics as unknown as { db: Db }).db;
    const level = async () => ((await db.$queryRawUnsafe("PRAGMA synchronous")) as Array<{ synchronous: number | bigint }>)[0]!.synchronous;
    expect(Number(await level())).toBe(1);
    // libsql opens a new connection (synchronous = FULL) after an interactive transaction.
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SELECT 1");
    });
    expect(Number(await level())).toBe(2);
    const run = await s.runs.create({ pipelineName: "p" });
    await s.metrics.saveRollups(run.runId, [{ name: "a", labels: {}, t: new Date(1_000), value: 1 }]);
    expect(Number(await level())).toBe(1);
  });

  it("saves and re-saves a 50-component flush, larger than one statement", async () => {
    const s = await open();
    const run = await s.runs.create({ pipelineName: "p" });
    const points = (n: number, value: number) =>
      Array.from({ length: n }, (_, i) => ({ name: "component_processing_duration_seconds_bucket", labels: { component_id: `c${i % 50}`, le: String(i) }, t: new Date(10_000), value }));
    await s.metrics.saveRollups(run.runId, points(2_100, 1));
    await s.metrics.saveRollups(run.runId, points(2_100, 2));
    const stored = await s.metrics.listRollups(run.runId);
    expect(stored).toHaveLength(2_100);
    expect(new Set(stored.map((p) => p.value))).toEqual(new Set([2]));
  });

  it("an uncreatable database directory is a StorageError naming it", async () => {
    writeFileSync(path.join(dir, "not-a-dir"), "x");
    await expect(openStore({ databaseUrl: `file:${path.join(dir, "not-a-dir", "sub", "x.db")}` })).rejects.toSatisfy(
      (e: unknown) => e instanceof StorageError && /cannot create the database directory .*not-a-dir/.test((e as Error).message),
    );
    await expect(openStore({ databaseUrl: "postgres://localhost/x" })).rejects.toThrow(/databaseUrl: only SQLite/);
  });

  it("a corrupted database file is a StorageError, not a crash", async () => {
    const file = path.join(dir, "corrupt.db");
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    await expect(open("corrupt.db")).rejects.toSatisfy((e: unknown) => e instanceof StorageError && /corrupt\.db/.test((e as Error).message));
  });

  it("a locked database makes writes fail with StorageError after the busy timeout, and nothing half-written appears", async () => {
    const s = await open("locked.db", { busyTimeoutMs: 200 });
    const run = await s.runs.create({ pipelineName: "p" });
    const locker = createClient({ url: `file:${path.join(dir, "locked.db")}` });
    const tx = await locker.transaction("write");
    try {
      await tx.execute("UPDATE \"Run\" SET \"error\" = 'held' WHERE 0");
      await expect(s.pipelines.saveVersion("p", "a: 1\n")).rejects.toBeInstanceOf(StorageError);
      await expect(
        s.metrics.saveRollups(run.runId, [
          { name: "a", labels: {}, t: new Date(0), value: 1 },
          { name: "b", labels: {}, t: new Date(0), value: 2 },
        ]),
      ).rejects.toBeInstanceOf(StorageError);
    } finally {
      await tx.rollback();
      tx.close();
      locker.close();
    }
    expect(await s.pipelines.get("p")).toBeNull();
    expect(await s.metrics.listRollups(run.runId)).toEqual([]);
  });

  it("rejects a migration edited after it was applied, and rolls back a failing migration", async () => {
    const migrations = readMigrations();
    const s = await open("m.db", { migrations });
    await s.close();
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: m.sql + "\n-- edited", checksum: "0".repeat(64) } : m));
    await expect(openStore({ databaseUrl: `file:${path.join(dir, "m.db")}`, migrations: edited })).rejects.toThrow(/changed after it was applied/);

    const broken = [...migrations, { name: "99999999999999_broken", sql: `CREATE TABLE "Half" ("id" TEXT);\nCREATE TABLE oops (;`, checksum: "1".repeat(64) }];
    await expect(openStore({ databaseUrl: `file:${path.join(dir, "m.db")}`, migrations: broken })).rejects.toThrow(/99999999999999_broken failed/);
    const c = createClient({ url: `file:${path.join(dir, "m.db")}` });
    const tables = await c.execute(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'Half'`);
    const recorded = await c.execute(`SELECT name FROM "_app_migrations" WHERE name LIKE '9999%'`);
    c.close();
    expect(tables.rows).toHaveLength(0);
    expect(recorded.rows).toHaveLength(0);
  });

  it("file::memory: (--no-persistence) works across transactions and leaves nothing behind", async () => {
    const s = await openStore({ databaseUrl: "file::memory:" });
    expect(s.ephemeral).toBe(true);
    await s.pipelines.saveVersion("p", "a: 1\n");
    await s.pipelines.saveVersion("p", "a: 2\n");
    expect((await s.pipelines.listVersions("p")).length).toBe(2);
    await s.close();
    expect(existsSync(s.file)).toBe(false);
  });
});
