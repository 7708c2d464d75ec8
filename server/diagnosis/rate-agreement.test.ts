import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { diagnose } from "./diagnose";
import type { ComponentWindow, EdgeWindow, MetricWindow } from "./diagnosis-types";
import { rateAgreementFindings } from "./rate-agreement";

const fixture = (name: string): MetricWindow => (JSON.parse(readFileSync(path.join(import.meta.dirname, "fixtures", `${name}.json`), "utf8")) as { window: MetricWindow }).window;

const comp = (id: string, role: ComponentWindow["role"], inRate: number | null, outRate: number | null, extra: Partial<ComponentWindow> = {}): ComponentWindow => ({
  id, role, inRate, outRate, p50Ms: null, p95Ms: null, p99Ms: null, errors: 0, busy: 0.5, idle: 0.5, backpressured: 0, ...extra,
});
const edge = (from: string, to: string, rate: number | null, extra: Partial<EdgeWindow> = {}): EdgeWindow => ({
  from, to, rate, blocked: 0, queueDepth: 0, queueCapacity: 1000, avgFill: 0, dropped: 0, ...extra,
});
const window = (components: ComponentWindow[], edges: EdgeWindow[]): MetricWindow => ({ pipeline: "p", from: 0, to: 10_000, components, edges });
const flat = (depth: number): Array<[number, number]> => Array.from({ length: 11 }, (_, i) => [i * 1000, depth]);

describe("rates across an edge agree within the window, or the report says why", () => {
  it("explains a sender far ahead of its receiver by its in-flight batches filling", () => {
    const f = diagnose(fixture("batched-sink-filling")).findings.filter((x) => x.code === "RATES_DIFFER");
    expect(f).toEqual([
      {
        severity: "info",
        code: "RATES_DIFFER",
        component: "db",
        message:
          "rates across work → db differ in the window: work emitted 333/s, db took in 211/s — 122/s went in flight to db (sent by the engine, not yet taken in: its unacknowledged batches): buffers between them were still filling, so upstream rates are above what the pipeline sustains (db's 211/s); a later window will agree",
      },
    ]);
  });

  it("says nothing where the rates agree", () => {
    for (const name of ["linear-slow-sink", "waiting-processor", "host-saturated", "rate-limited-healthy"]) {
      expect(diagnose(fixture(name)).findings.filter((x) => x.code === "RATES_DIFFER"), name).toEqual([]);
    }
  });

  it("accepts a difference within what counters stepping a whole write at a time can resolve", () => {
    // 500-event writes over 10 s: each counter moves in steps of 50/s.
    const w = window([comp("gen", "source", null, 300), comp("db", "sink", 240, 250, { calls: 0.5 })], [edge("gen", "db", 300)]);
    expect(rateAgreementFindings(w)).toEqual([]);
  });

  it("names a filling queue and drops as where the difference went", () => {
    const w = window([comp("gen", "source", null, 500), comp("out", "sink", 300, 300)], [edge("gen", "out", 300, { depthSamples: Array.from({ length: 11 }, (_, i) => [i * 1000, i * 150]), dropped: 500 })]);
    expect(rateAgreementFindings(w)[0]!.message).toBe(
      "rates across gen → out differ in the window: gen emitted 500/s, out took in 300/s — the queue gen → out grew 150/s, 50.0/s were dropped (drop_oldest): buffers between them were still filling, so upstream rates are above what the pipeline sustains (out's 300/s); a later window will agree",
    );
  });

  it("says when the engine's counters do not account for the difference", () => {
    const w = window([comp("gen", "source", null, 1000), comp("out", "sink", 500, 500)], [edge("gen", "out", 500, { depthSamples: flat(0) })]);
    expect(rateAgreementFindings(w)[0]!.message).toBe(
      "rates across gen → out differ in the window: gen emitted 1000/s, out took in 500/s; 500/s are not accounted for by the engine's counters (held inside gen before sending, or counters sampled at different moments)",
    );
  });

  it("leaves fan-in receivers alone (their intake is the sum of their inputs)", () => {
    const w = window([comp("a", "source", null, 100), comp("b", "source", null, 100), comp("out", "sink", 200, 200)], [edge("a", "out", 100), edge("b", "out", 100)]);
    expect(rateAgreementFindings(w)).toEqual([]);
  });
});
