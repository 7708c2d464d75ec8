/**
 * The postgres sink as a real process against the real PostgreSQL (FLOWCTL_TEST_POSTGRES_URL, set
 * by .ci/run or `. .ci/start-postgres.sh`). Under CI=true a missing URL fails the test.
 */
import type * as grpc from "@grpc/grpc-js";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeClients, collect, dial, killAll, startBuiltin } from "../__tests__/component-process";

const url = process.env.FLOWCTL_TEST_POSTGRES_URL;
const table = `flowctl_sink_test_${process.pid}_${Date.now()}`;
type Duplex = grpc.ClientDuplexStream<unknown, Record<string, unknown>>;

if (!url && process.env.CI !== "true") {
  console.warn("skipping postgres sink tests: FLOWCTL_TEST_POSTGRES_URL is not set (run `. .ci/start-postgres.sh`)");
}

describe.skipIf(!url && process.env.CI !== "true")("postgres sink against PostgreSQL", () => {
  const pool = url ? new pg.Pool({ connectionString: url, max: 2 }) : undefined;
  afterEach(async () => {
    closeClients();
    await killAll();
  });
  afterAll(async () => {
    await pool?.query(`DROP TABLE IF EXISTS "${table}"`);
    await pool?.end();
  });

  it("creates the table, inserts each flush in one transaction and acknowledges after commit", async () => {
    expect(url, "FLOWCTL_TEST_POSTGRES_URL must be set when CI=true").toBeTruthy();
    const p = await startBuiltin("postgres", { DATABASE_URL: url!, TABLE: table, BATCH_SIZE: "50", POSTGRES_MAX_CONNS: "2" });
    const call = (dial("batchConsumer", p.port).ConsumeBatches as () => Duplex)();
    const { items: acks, ended } = collect(call);
    const now = Date.now();
    for (let s = 1; s <= 6; s++) {
      call.write({
        sequence: s,
        events: Array.from({ length: 20 }, (_, i) => ({
          id: `e-${s}-${i}`,
          type: "order.v1",
          payload: Buffer.from(JSON.stringify({ s, i })),
          contentType: "application/json",
          metadata: { shard: String(s % 2) },
          timestamp: { seconds: Math.floor(now / 1000), nanos: 0 },
        })),
      });
    }
    call.end();
    await ended;
    expect(acks.map((a) => [a.sequence, a.consumed, a.failed])).toEqual(Array.from({ length: 6 }, (_, i) => [i + 1, 20, 0]));
    const rows = await pool!.query<{ n: string; distinct_ids: string; shards: string }>(
      `SELECT count(*) AS n, count(DISTINCT id) AS distinct_ids, count(DISTINCT metadata->>'shard') AS shards FROM "${table}"`,
    );
    expect(rows.rows[0]).toEqual({ n: "120", distinct_ids: "120", shards: "2" });
    const one = await pool!.query<{ body: { s: number; i: number }; type: string }>(`SELECT convert_from(payload, 'UTF8')::jsonb AS body, type FROM "${table}" WHERE id = 'e-3-7'`);
    expect(one.rows[0]).toEqual({ body: { s: 3, i: 7 }, type: "order.v1" });
  });

  it("reports failed writes in the ack instead of acknowledging them", async () => {
    // A table name that exists as a view makes every INSERT fail after setup succeeded.
    const view = `${table}_view`;
    await pool!.query(`CREATE OR REPLACE VIEW "${view}" AS SELECT 1 AS seq, ''::text AS id, ''::text AS type, ''::text AS source_component_id, ''::text AS content_type, now() AS event_time, '{}'::jsonb AS metadata, ''::bytea AS payload, now() AS inserted_at`);
    try {
      const p = await startBuiltin("postgres", { DATABASE_URL: url!, TABLE: view, BATCH_SIZE: "10" });
      const call = (dial("batchConsumer", p.port).ConsumeBatches as () => Duplex)();
      const { items: acks, ended } = collect(call);
      call.write({ sequence: 1, events: [{ id: "x", type: "t", payload: Buffer.from("{}") }] });
      call.end();
      await ended;
      expect(acks).toHaveLength(1);
      expect(acks[0]).toMatchObject({ sequence: 1, consumed: 0, failed: 1 });
      expect(String((acks[0]!.errors as string[])[0])).toMatch(/write of 1 events failed/);
    } finally {
      await pool!.query(`DROP VIEW IF EXISTS "${view}"`);
    }
  });
});
