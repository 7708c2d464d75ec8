/**
 * A batched source whose stream breaks keeps the batches the engine did not report received and
 * re-sends them, with their sequences, first on the next stream: nothing in transit is lost.
 */
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../core/logger";
import { DATA_PLANE_CHANNEL_OPTIONS, dataPlaneServices, type WireEventBatch, type WireSourceControl } from "../wire/event-codec";
import { defineSource } from "./define";
import { createEvent } from "./event";
import { startComponent, type RunningComponent } from "./run-component";

let running: RunningComponent | undefined;
const clients: grpc.Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await running?.stop();
  running = undefined;
});

const counter = defineSource({
  name: "counter",
  async *produce(ctx) {
    for (let i = 0; !ctx.signal.aborted; i++) {
      yield createEvent({ id: `e${i}`, type: "n", payload: String(i) });
      await ctx.sleep(1);
    }
  },
});

type Stream = grpc.ClientDuplexStream<WireSourceControl, WireEventBatch>;

function open(port: number): Stream {
  const C = grpc.makeGenericClientConstructor(dataPlaneServices.batchSource, "BatchSource");
  const client = new C(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), DATA_PLANE_CHANNEL_OPTIONS);
  clients.push(client);
  return (client as unknown as { StreamBatches(): Stream }).StreamBatches();
}

function take(call: Stream, n: number): Promise<WireEventBatch[]> {
  return new Promise((resolve, reject) => {
    const got: WireEventBatch[] = [];
    const onData = (b: WireEventBatch) => {
      got.push(b);
      if (got.length === n) {
        call.off("data", onData);
        resolve(got);
      }
    };
    call.on("data", onData);
    call.once("error", reject);
  });
}

async function reopen(port: number, request: WireSourceControl, n: number): Promise<{ call: Stream; batches: WireEventBatch[] }> {
  for (let attempt = 1; ; attempt++) {
    const call = open(port);
    call.write(request);
    try {
      const batches = await take(call, n);
      call.on("error", () => undefined);
      return { call, batches };
    } catch (err) {
      if ((err as grpc.ServiceError).code !== grpc.status.ALREADY_EXISTS || attempt >= 100) throw err;
    }
  }
}

describe("batched source after a broken stream", () => {
  it("re-sends the batches in transit, then continues; batches reported received are not sent again", async () => {
    running = await startComponent(counter, { env: { PORT: "127.0.0.1:0", METRICS_PORT: "0", HEALTH_PORT: "0", BATCH_SIZE: "5", BATCH_FLUSH_INTERVAL_MS: "1" }, logger: silentLogger });
    const first = open(running.port);
    first.write({ credits: 4, request: { params: {} } });
    const sent = await take(first, 4);
    expect(sent.map((b) => b.sequence)).toEqual([1, 2, 3, 4]);
    // The engine received 1 and 2; 3 and 4 were in transit when the stream broke.
    first.cancel();
    // The source ends the first stream when it sees the cancellation; until then a new stream is
    // refused with ALREADY_EXISTS (one stream at a time), and the engine, like this test, asks again.
    const { call: second, batches: next } = await reopen(running.port, { credits: 4, received: 2, request: { params: {} } }, 4);
    expect(next.map((b) => b.sequence)).toEqual([3, 4, 5, 6]);
    expect(next[0]!.events.map((e) => e.id)).toEqual(sent[2]!.events.map((e) => e.id));
    expect(next[1]!.events.map((e) => e.id)).toEqual(sent[3]!.events.map((e) => e.id));
    second.cancel();
  });
});
