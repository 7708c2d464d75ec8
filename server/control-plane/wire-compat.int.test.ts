/**
 * Byte-level wire compatibility: requests hand-encoded from the field numbers and types of the
 * upstream contract (flow-proto v0.1.3 and flowctl's control_plane.proto, see docs/control-plane.md)
 * — not from our .proto files — are sent raw, and the raw responses are decoded the same way. A
 * renumbered or retyped field in proto/ fails here even though a client generated from the same
 * files would still agree with us.
 */
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type ControlPlaneHandle } from "./control-plane.server";
import { ComponentRegistry } from "./registry";
import { openStore, type Store } from "../storage/store";
import { callRaw } from "./test-support/independent-client";

// ---- a minimal protobuf writer/reader (proto3 wire format) ----
const varint = (n: bigint | number): Buffer => {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
};
const tag = (field: number, wt: number) => varint((field << 3) | wt);
const fVarint = (field: number, n: number | bigint) => Buffer.concat([tag(field, 0), varint(n)]);
const fBytes = (field: number, b: Buffer) => Buffer.concat([tag(field, 2), varint(b.length), b]);
const fString = (field: number, s: string) => fBytes(field, Buffer.from(s, "utf8"));
const fDouble = (field: number, d: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(d);
  return Buffer.concat([tag(field, 1), b]);
};
const mapEntry = (field: number, k: string, v: Buffer) => fBytes(field, Buffer.concat([fString(1, k), v]));

type Fields = Map<number, (bigint | Buffer)[]>;
function decode(buf: Buffer): Fields {
  const fields: Fields = new Map();
  let i = 0;
  const readVarint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(readVarint());
    const field = key >> 3;
    const wt = key & 7;
    let value: bigint | Buffer;
    if (wt === 0) value = readVarint();
    else if (wt === 2) {
      const len = Number(readVarint());
      value = buf.subarray(i, i + len);
      i += len;
    } else if (wt === 1) {
      value = buf.subarray(i, i + 8);
      i += 8;
    } else if (wt === 5) {
      value = buf.subarray(i, i + 4);
      i += 4;
    } else throw new Error(`unexpected wire type ${wt}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}
const str = (f: Fields, n: number) => ((f.get(n)?.[0] as Buffer | undefined) ?? Buffer.alloc(0)).toString("utf8");
const strs = (f: Fields, n: number) => (f.get(n) ?? []).map((b) => (b as Buffer).toString("utf8"));
const num = (f: Fields, n: number) => Number((f.get(n)?.[0] as bigint | undefined) ?? 0n);
const msg = (f: Fields, n: number) => decode((f.get(n)?.[0] as Buffer | undefined) ?? Buffer.alloc(0));
const map = (f: Fields, n: number, value: (e: Fields) => unknown) => Object.fromEntries((f.get(n) ?? []).map((b) => decode(b as Buffer)).map((e) => [str(e, 1), value(e)]));

let store: Store;
let cp: ControlPlaneHandle;
let client: grpc.Client;

beforeAll(async () => {
  store = await openStore({ databaseUrl: "file::memory:" });
  cp = await startControlPlane({ port: 0, registry: new ComponentRegistry(), store });
  client = new grpc.Client(`127.0.0.1:${cp.port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await cp?.close();
  await store?.close();
});

describe("wire compatibility (hand-encoded from the upstream field numbers)", () => {
  it("flowctl.v1: RegisterComponent, Heartbeat, GetComponentStatus", async () => {
    const componentInfo = Buffer.concat([
      fString(1, "wire-proc"), fString(2, "Wire processor"), fString(3, "desc"), fString(4, "9.9.9"),
      fVarint(5, 2), // COMPONENT_TYPE_PROCESSOR
      fString(6, "in.v1"), fString(7, "out.v1"), fString(7, "out2.v1"), fString(8, "127.0.0.1:6000"),
      mapEntry(9, "team", fString(2, "data")),
    ]);
    const reg = decode(await callRaw(client, "/flowctl.v1.ControlPlaneService/RegisterComponent", fBytes(1, componentInfo)));
    expect(str(reg, 1)).toBe("wire-proc"); // service_id
    expect(strs(reg, 2)).toEqual(["out.v1", "out2.v1"]); // assigned_topics
    expect(map(reg, 3, (e) => str(e, 2))).toEqual({ control_plane_endpoint: `127.0.0.1:${cp.port}` });

    // HeartbeatRequest{service_id=1, status=2 (DEGRADED=3), metrics=3}
    const empty = await callRaw(client, "/flowctl.v1.ControlPlaneService/Heartbeat", Buffer.concat([fString(1, "wire-proc"), fVarint(2, 3), mapEntry(3, "lag", fString(2, "7"))]));
    expect(empty.length).toBe(0);

    const st = decode(await callRaw(client, "/flowctl.v1.ControlPlaneService/GetComponentStatus", fString(1, "wire-proc")));
    const info = msg(st, 1);
    expect([str(info, 1), str(info, 2), str(info, 3), str(info, 4), num(info, 5), strs(info, 6), strs(info, 7), str(info, 8)]).toEqual([
      "wire-proc", "Wire processor", "desc", "9.9.9", 2, ["in.v1"], ["out.v1", "out2.v1"], "127.0.0.1:6000",
    ]);
    expect(map(info, 9, (e) => str(e, 2))).toEqual({ team: "data" });
    expect(num(st, 2)).toBe(3); // HEALTH_STATUS_DEGRADED
    expect(num(msg(st, 3), 1)).toBeGreaterThan(1_700_000_000); // last_heartbeat.seconds
    expect(map(st, 4, (e) => str(e, 2))).toEqual({ lag: "7" });
    expect(num(msg(st, 5), 1)).toBeGreaterThan(1_700_000_000); // registered_at.seconds

    // ListComponentsRequest{type_filter=1 (PROCESSOR=2), include_unhealthy=2}
    const list = decode(await callRaw(client, "/flowctl.v1.ControlPlaneService/ListComponents", Buffer.concat([fVarint(1, 2), fVarint(2, 1)])));
    expect((list.get(1) ?? []).map((b) => str(msg(decode(b as Buffer), 1), 1))).toEqual(["wire-proc"]);
  });

  it("flowctl.ControlPlane: Heartbeat with double metrics, GetServiceStatus, run RPCs", async () => {
    // ServiceInfo{service_id=1, service_type=2 (SINK=3), input_event_types=3, health_endpoint=5, max_inflight=6, metadata=7, component_id=8}
    const ack = decode(await callRaw(client, "/flowctl.ControlPlane/Register", Buffer.concat([fString(1, "legacy-sink"), fVarint(2, 3), fString(3, "e.v1"), fString(5, ":7000"), fVarint(6, 100), mapEntry(7, "name", fString(2, "Sink")), fString(8, "legacy-sink")])));
    expect(str(ack, 1)).toBe("legacy-sink");
    // ServiceHeartbeat{service_id=1, timestamp=2, metrics=3 map<string,double>}
    await callRaw(client, "/flowctl.ControlPlane/Heartbeat", Buffer.concat([fString(1, "legacy-sink"), fBytes(2, fVarint(1, 1_800_000_000)), mapEntry(3, "rate", fDouble(2, 12.5))]));
    const st = decode(await callRaw(client, "/flowctl.ControlPlane/GetServiceStatus", fString(1, "legacy-sink")));
    expect([str(st, 1), num(st, 2), num(st, 3), str(st, 6)]).toEqual(["legacy-sink", 3, 1, "legacy-sink"]); // id, SINK, is_healthy, component_id
    expect(map(st, 5, (e) => (e.get(2)![0] as Buffer).readDoubleLE())).toEqual({ rate: 12.5 });

    // CreatePipelineRunRequest{run_id=1, pipeline_name=2, config_yaml=3, component_ids=4}
    const run = decode(await callRaw(client, "/flowctl.ControlPlane/CreatePipelineRun", Buffer.concat([fString(1, "wire-run-1"), fString(2, "wire"), fString(3, "kind: Pipeline\n"), fString(4, "a"), fString(4, "b")])));
    expect([str(run, 1), str(run, 2), str(run, 3), num(run, 4), str(run, 7), strs(run, 10)]).toEqual(["wire-run-1", "wire", "wire", 1, "kind: Pipeline\n", ["a", "b"]]);
    expect(num(msg(run, 5), 1)).toBeGreaterThan(1_700_000_000); // start_time

    // UpdatePipelineRunRequest{run_id=1, status=2 (RUNNING=2), metrics=3 RunMetrics{events_processed=1, events_per_second=2 double, component_metrics=4}, error=4}
    const metrics = Buffer.concat([fVarint(1, 5_000_000_000n), fDouble(2, 99.5), mapEntry(4, "a", fBytes(2, Buffer.concat([fVarint(2, 42), fDouble(5, 1.25)])))]);
    const upd = decode(await callRaw(client, "/flowctl.ControlPlane/UpdatePipelineRun", Buffer.concat([fString(1, "wire-run-1"), fVarint(2, 2), fBytes(3, metrics)])));
    expect(num(upd, 4)).toBe(2);
    const m = msg(upd, 8);
    expect(num(m, 1)).toBe(5_000_000_000); // int64 beyond 32 bits survives
    expect((m.get(2)![0] as Buffer).readDoubleLE()).toBe(99.5);
    const compA = decode(map(m, 4, (e) => e.get(2)![0]).a as Buffer);
    expect([num(compA, 2), (compA.get(5)![0] as Buffer).readDoubleLE()]).toEqual([42, 1.25]); // events_out, processing_time_ms

    // ListPipelineRunsRequest{pipeline_name=1, status=2, limit=3 int32 (negative = all)}
    const listed = decode(await callRaw(client, "/flowctl.ControlPlane/ListPipelineRuns", Buffer.concat([fString(1, "wire"), fVarint(3, -1)])));
    expect((listed.get(1) ?? []).map((b) => str(decode(b as Buffer), 1))).toEqual(["wire-run-1"]);

    // StopPipelineRunRequest{run_id=1} → status STOPPED(5), end_time(6) set
    const stopped = decode(await callRaw(client, "/flowctl.ControlPlane/StopPipelineRun", fString(1, "wire-run-1")));
    expect(num(stopped, 4)).toBe(5);
    expect(num(msg(stopped, 6), 1)).toBeGreaterThan(1_700_000_000);
  });
});
