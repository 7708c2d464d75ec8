import { describe, expect, it } from "vitest";
import { IllegalStateError } from "../core/errors";
import { assertInstanceTransition, canTransitionInstance, INSTANCE_STATES, isInstanceTerminal } from "./instance-state";
import { backoffDelay, CrashLoopDetector, isFailureExit, RestartBackoff, shouldRestart } from "./restart-policy";

describe("restart policy", () => {
  const ok = { code: 0, signal: null };
  const crash = { code: 1, signal: null };
  const killed = { code: null, signal: "SIGKILL" };

  it("decides per policy", () => {
    expect([ok, crash, killed].map((e) => shouldRestart("no", e, false))).toEqual([false, false, false]);
    expect([ok, crash, killed].map((e) => shouldRestart("on-failure", e, false))).toEqual([false, true, true]);
    expect([ok, crash, killed].map((e) => shouldRestart("always", e, false))).toEqual([true, true, true]);
    expect([ok, crash, killed].map((e) => shouldRestart("unless-stopped", e, false))).toEqual([true, true, true]);
  });

  it("never restarts while the run is stopping", () => {
    expect(shouldRestart("always", crash, true)).toBe(false);
  });

  it("treats signals and non-zero codes as failures", () => {
    expect(isFailureExit(ok)).toBe(false);
    expect(isFailureExit(crash)).toBe(true);
    expect(isFailureExit(killed)).toBe(true);
  });

  it("grows the backoff again when an instance crash-loops after one stable period", () => {
    const b = new RestartBackoff({ initialMs: 200, maxMs: 10_000, factor: 2 }, 30_000);
    b.running(0);
    expect(b.exited(40_000)).toBe(200); // after a stable run: start over
    b.running(40_300);
    expect(b.exited(40_400)).toBe(400); // a quick crash: grows again
    b.running(41_000);
    expect(b.exited(41_100)).toBe(800);
    expect(b.exited(41_900)).toBe(1_600); // exited before registering again
    for (let i = 0; i < 10; i++) b.exited(50_000);
    expect(b.exited(60_000)).toBe(10_000);
    b.running(60_000);
    expect(b.exited(90_000)).toBe(200);
  });

  it("backs off exponentially up to the cap", () => {
    const opts = { initialMs: 100, maxMs: 1000, factor: 2 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, opts))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

describe("crash-loop detector", () => {
  it("trips on the restart after N within the window", () => {
    const d = new CrashLoopDetector({ maxRestarts: 3, windowMs: 10_000 });
    expect([0, 1000, 2000].map((t) => d.record(t))).toEqual([false, false, false]);
    expect(d.record(3000)).toBe(true);
    expect(d.describe()).toBe("3 restarts within 10s");
  });

  it("forgets restarts older than the window", () => {
    const d = new CrashLoopDetector({ maxRestarts: 2, windowMs: 1000 });
    expect(d.record(0)).toBe(false);
    expect(d.record(500)).toBe(false);
    expect(d.record(5000)).toBe(false);
    expect(d.recent).toBe(1);
  });
});

describe("instance lifecycle", () => {
  it("allows the documented path and restarts", () => {
    for (const [a, b] of [
      ["starting", "registering"],
      ["registering", "running"],
      ["running", "restarting"],
      ["restarting", "starting"],
      ["running", "exited"],
      ["exited", "stopped"],
      ["running", "failed"],
    ] as const) {
      expect(canTransitionInstance(a, b)).toBe(true);
    }
  });

  it("rejects impossible transitions with IllegalStateError", () => {
    expect(() => assertInstanceTransition("failed", "starting")).toThrow(IllegalStateError);
    expect(() => assertInstanceTransition("stopped", "running")).toThrow(/illegal instance transition from stopped to running/);
    expect(() => assertInstanceTransition("starting", "running")).toThrow(IllegalStateError);
  });

  it("has no way out of failed and stopped", () => {
    for (const to of INSTANCE_STATES) {
      expect(canTransitionInstance("failed", to)).toBe(false);
      expect(canTransitionInstance("stopped", to)).toBe(false);
    }
    expect(["exited", "failed", "stopped"].every((s) => isInstanceTerminal(s as never))).toBe(true);
    expect(isInstanceTerminal("running")).toBe(false);
  });
});
