import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { emptyComponentRunMetrics } from "../core/run";
import type { ComponentSummary, RunSummary } from "../engine/run-pipeline";
import { renderSummary, sinkRates } from "./commands/run.command";

const component = (id: string, role: ComponentSummary["role"], eventsIn: number): ComponentSummary => ({
  ...emptyComponentRunMetrics(),
  id,
  role,
  eventsIn,
  eventsOut: role === "sink" ? 0 : eventsIn,
  instances: {},
  queueDepth: 0,
  queuePeakDepth: 0,
  filtered: 0,
  rejected: 0,
  streamErrors: 0,
  protocolErrors: 0,
});

const summary = (over: Partial<RunSummary>): RunSummary => ({
  runId: "r",
  pipeline: "p",
  status: "STOPPED",
  error: null,
  startedAt: new Date(0),
  endedAt: new Date(46_000),
  durationMs: 46_000,
  runningMs: 20_000,
  eventsProcessed: 7600,
  eventsPerSecond: 380,
  bytesProcessed: 0,
  components: [component("gen", "source", 3800), component("archive", "sink", 3800), component("warehouse", "sink", 3800)],
  edges: [],
  logDir: "/tmp/logs/r",
  ...over,
});

describe("the run summary's rates", () => {
  it("gives each fan-out sink its own count and rate over the running time, not start-up and shutdown", () => {
    expect(sinkRates(summary({}))).toBe("20.0s running; at the sinks: archive 3800 events (190/s), warehouse 3800 events (190/s)");
    // picocolors colours output whenever CI is set; the wording is what is asserted.
    const text = stripVTControlCharacters(renderSummary(summary({})));
    expect(text).toContain("run STOPPED after 46s — 20.0s running; at the sinks: archive 3800 events (190/s), warehouse 3800 events (190/s)");
    expect(text).not.toMatch(/7600 events/);
  });

  it("says so when the run never reached RUNNING", () => {
    expect(sinkRates(summary({ runningMs: 0, status: "FAILED" }))).toBe("it never ran (no events moved)");
  });
});
