import { describe, expect, it } from "vitest";
import type { ComponentInfo } from "../core/registry";
import { instanceProof, newInstanceSecret } from "../wire/instance-proof";
import { judgeAttachedRegistration, judgeRegistration, type RegistrationExpectation } from "./registration-check";

const secret = newInstanceSecret();
const expectation: RegistrationExpectation = { runId: "run-a", instanceId: "gen", secret, assignedPort: 4100, requireProof: false };

function reg(endpoint: string, metadata: Record<string, string> = {}): { info: ComponentInfo } {
  return { info: { id: "gen", name: "gen", description: "", version: "", type: "SOURCE", inputEventTypes: [], outputEventTypes: [], endpoint, metadata } };
}

function proven(endpoint: string, runId = "run-a", key = secret) {
  return reg(endpoint, { flowctl_run_id: runId, "flowctl.instance_proof": instanceProof(key, { runId, componentId: "gen", endpoint }) });
}

describe("judgeRegistration", () => {
  it("takes a registration of this run whose proof was made with the spawn's secret", () => {
    expect(judgeRegistration(proven("127.0.0.1:4100"), expectation)).toEqual({ accepted: true, verified: true });
    // The proof binds the endpoint it was made for, in its normalised form.
    expect(judgeRegistration(proven(":4100"), expectation).accepted).toBe(false);
  });

  it("refuses a proof made with another secret, another run's registration, and a copied proof on another endpoint", () => {
    expect(judgeRegistration(proven("127.0.0.1:4100", "run-a", newInstanceSecret()), expectation)).toMatchObject({ accepted: false, reason: expect.stringMatching(/instance proof/) });
    expect(judgeRegistration(proven("127.0.0.1:4100", "run-b"), expectation)).toMatchObject({ accepted: false, reason: "it belongs to run run-b" });
    const copied = proven("127.0.0.1:4100");
    copied.info.endpoint = "127.0.0.1:9999";
    expect(judgeRegistration(copied, expectation).accepted).toBe(false);
    expect(judgeRegistration(reg("127.0.0.1:4100", { flowctl_run_id: "run-a" }), expectation).accepted).toBe(false);
  });

  it("takes a foreign registration without a run only on the assigned port, and never for SDK built-ins", () => {
    expect(judgeRegistration(reg("127.0.0.1:4100"), expectation)).toEqual({ accepted: true, verified: false });
    expect(judgeRegistration(reg("127.0.0.1:4101"), expectation)).toMatchObject({ accepted: false, reason: expect.stringMatching(/PORT=4100/) });
    expect(judgeRegistration(reg("127.0.0.1:4100"), { ...expectation, requireProof: true }).accepted).toBe(false);
  });
});

describe("judgeAttachedRegistration (flowctl run --attach: nothing spawned, no proof)", () => {
  const attach = { runId: "run-a", tokenSet: false };

  it("takes a registration that claims this run or none, on loopback", () => {
    expect(judgeAttachedRegistration(reg("127.0.0.1:4100"), attach)).toEqual({ accepted: true, verified: false });
    expect(judgeAttachedRegistration(reg(":4100", { flowctl_run_id: "run-a" }), attach)).toEqual({ accepted: true, verified: false });
  });

  it("refuses another run's registration and one without a host:port endpoint", () => {
    expect(judgeAttachedRegistration(reg("127.0.0.1:4100", { flowctl_run_id: "run-b" }), attach)).toMatchObject({ accepted: false, reason: "it belongs to run run-b" });
    expect(judgeAttachedRegistration(reg(""), attach)).toMatchObject({ accepted: false, reason: expect.stringMatching(/no host:port endpoint/) });
  });

  it("refuses an off-loopback endpoint unless the run has a token", () => {
    expect(judgeAttachedRegistration(reg("10.0.0.7:50051"), attach)).toMatchObject({ accepted: false, reason: expect.stringMatching(/not on loopback and the run has no token: set FLOWCTL_TOKEN/) });
    expect(judgeAttachedRegistration(reg("work.default.svc:50051"), { ...attach, tokenSet: true })).toEqual({ accepted: true, verified: false });
  });
});
