/**
 * Every event counted: at the end of every run — completed, stopped with full queues, with drops,
 * filters or a crash — each edge balances exactly: produced = delivered + dropped + rejected + lost
 * + abandoned. Shown in the summary, stored with the run, exported as metrics.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { EdgeAccount, RunHandle, RunSummary } from "../../server/engine/run-pipeline";
import { openStore, type Store } from "../../server/storage/store";
import { startRun, tempDir, waitFor, writePipeline } from "./engine-harness";

const runs: RunHandle[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop("test cleanup")));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function edge(s: RunSummary, from: string, to: string): EdgeAccount {
  const e = s.edges.find((x) => x.from === from && x.to === to);
  if (!e) throw new Error(`no edge ${from} → ${to} in ${JSON.stringify(s.edges)}`);
  return e;
}

function expectBalanced(s: RunSummary): void {
  expect(s.edges.length).toBeGreaterThan(0);
  for (const e of s.edges) {
    expect({ edge: `${e.from}→${e.to}`, unaccounted: e.unaccounted, inFlight: e.inFlight }).toEqual({ edge: `${e.from}→${e.to}`, unaccounted: 0, inFlight: 0 });
    expect(e.delivered + e.dropped + e.rejected + e.lost + e.abandoned).toBe(e.produced);
  }
}

describe.each(["batch", "event"] as const)("the per-edge account on the %s wire", (wire) => {
  it("a completed run delivers everything it produced, and the account is stored and exported", async () => {
    const dir = tempDir();
    const store = await openStore({ databaseUrl: `file:${path.join(dir, "flowctl.db")}` });
    stores.push(store);
    const { file } = writePipeline(dir, { name: "complete", sources: [{ id: "src", env: { EVENT_COUNT: 3000 } }], processors: [{ id: "proc", inputs: ["src"] }], sinks: [{ id: "sink", inputs: ["proc"] }] }, wire);
    const handle = await startRun(file, { store });
    runs.push(handle);
    const s = await handle.done;
    expect(s.status).toBe("COMPLETED");
    expectBalanced(s);
    expect(edge(s, "src", "proc")).toMatchObject({ produced: 3000, delivered: 3000 });
    expect(edge(s, "proc", "sink")).toMatchObject({ produced: 3000, delivered: 3000 });
    expect((await store.runs.get(handle.runId))!.metrics!.edges).toEqual(s.edges);
    const metrics = await handle.metrics.registry.getSingleMetricAsString("flowctl_edge_settled_total");
    expect(metrics).toMatch(/from="proc",to="sink",outcome="delivered"\} 3000/);
  });

  it("a stop with full queues counts what was still queued or in flight as abandoned", async () => {
    const dir = tempDir();
    const { file } = writePipeline(
      dir,
      { name: "abandon", sources: [{ id: "src", env: { EVENTS_PER_SECOND: 4000 } }], sinks: [{ id: "sink", inputs: ["src"], env: { STALL: 1 }, queue: { capacity: 200 } }] },
      wire,
    );
    const handle = await startRun(file, { gracePeriodMs: 1_000 });
    runs.push(handle);
    // The stalled sink acknowledges nothing: what the source produced is queued or in flight.
    await waitFor("events queued for the stalled sink", () => (handle.snapshot().find((c) => c.id === "sink")?.queueDepth ?? 0) >= 50);
    const s = await handle.stop("test");
    expectBalanced(s);
    const e = edge(s, "src", "sink");
    expect(e.abandoned).toBeGreaterThanOrEqual(50);
    expect(e).toMatchObject({ delivered: 0, abandoned: e.produced });
  });
});

describe("the per-edge account", () => {
  it("counts drop_oldest drops and the sink filter's events apart, and balances", async () => {
    const dir = tempDir();
    const { file } = writePipeline(
      dir,
      {
        name: "drops",
        sources: [{ id: "src", env: { EVENTS_PER_SECOND: 4000 } }],
        sinks: [
          { id: "stuck", inputs: ["src"], env: { STALL: 1 }, queue: { capacity: 100, policy: "drop_oldest" } },
          { id: "picky", inputs: ["src"], input_event_types: ["no.such.type"] },
        ],
      },
      "batch",
    );
    const handle = await startRun(file, { gracePeriodMs: 1_000 });
    runs.push(handle);
    await waitFor("drops", () => (handle.snapshot().find((c) => c.id === "stuck")?.dropped ?? 0) > 500);
    const s = await handle.stop("test");
    expectBalanced(s);
    expect(edge(s, "src", "stuck").dropped).toBeGreaterThan(500);
    const picky = edge(s, "src", "picky");
    expect(picky.produced).toBe(0);
    expect(picky.filtered).toBeGreaterThan(500);
  });

  it("a per-event processor killed mid-run: every event it was sent is delivered, lost or abandoned", async () => {
    const dir = tempDir();
    const { file } = writePipeline(
      dir,
      { name: "crash", sources: [{ id: "src", env: { EVENT_COUNT: 8000, EVENTS_PER_SECOND: 4000 } }], processors: [{ id: "proc", inputs: ["src"] }], sinks: [{ id: "sink", inputs: ["proc"] }] },
      "event",
    );
    const handle = await startRun(file, { backoff: { initialMs: 100, maxMs: 500, factor: 2 } });
    runs.push(handle);
    await waitFor("events at the sink", () => (handle.snapshot().find((c) => c.id === "sink")?.eventsIn ?? 0) > 1000);
    process.kill(handle.topology().components.find((c) => c.id === "proc")!.instances[0]!.pid!, "SIGKILL");
    const s = await handle.done;
    expect(s.status).toBe("COMPLETED");
    expectBalanced(s);
    const into = edge(s, "src", "proc");
    expect(into.produced).toBe(8000);
    expect(into.lost).toBe(s.components.find((c) => c.id === "proc")!.lost);
  });
});
