/**
 * The fault-injection suite, shortened (`npm run chaos` runs it in full and writes docs/chaos.md):
 * under each fault, every event is accounted for and the engine ends the run itself.
 */
import { describe, expect, it } from "vitest";
import { tempDir } from "../engine/engine-harness";
import { violations } from "./chaos-harness";
import { runScenario, SCENARIOS } from "./scenarios";

const SHORT = ["kill -9", "hung sink", "garbage frames", "flaky sink", "engine killed"];

describe("fault injection (short)", () => {
  it.each(SHORT)("%s: nothing unaccounted, the engine survives", async (name) => {
    const scenario = SCENARIOS.find((s) => s.name === name)!;
    const r = await runScenario(scenario, { dir: tempDir("flowctl-chaos-"), durationMs: 4_000, log: () => undefined });
    expect(violations(r)).toEqual([]);
    expect(r.status).not.toBe("ERROR");
    expect(r.produced).toBeGreaterThan(0);
    expect(r.unaccounted).toBe(0);
    if (name === "flaky sink") expect(r.deadLettered).toBe(r.faults);
  });
});
