import { describe, expect, it } from "vitest";
import { diagnosisQuerySchema, pipelineNameSchema, runIdSchema, runListQuerySchema, startRunBodySchema } from "./http-schemas";

describe("http schemas", () => {
  it("parses run filters: statuses in any case, a bounded limit", () => {
    expect(runListQuerySchema.parse({ status: "running,Failed", limit: "10" })).toEqual({ status: ["RUNNING", "FAILED"], limit: 10 });
    expect(runListQuerySchema.parse({})).toEqual({ status: [], limit: 50 });
    expect(runListQuerySchema.safeParse({ status: "sleeping" }).success).toBe(false);
    expect(runListQuerySchema.safeParse({ limit: "100000" }).success).toBe(false);
  });

  it("accepts pipeline names and run id prefixes, nothing that could be a path", () => {
    expect(pipelineNameSchema.safeParse("orders-slow-sink").success).toBe(true);
    expect(pipelineNameSchema.safeParse("../etc").success).toBe(false);
    expect(runIdSchema.safeParse("0f13a208").success).toBe(true);
    expect(runIdSchema.safeParse("0f13a208; DROP").success).toBe(false);
  });

  it("reads durations and refuses unknown keys in a start body", () => {
    expect(diagnosisQuerySchema.parse({ window: "30s" })).toEqual({ window: 30_000 });
    expect(diagnosisQuerySchema.safeParse({ window: "soon" }).success).toBe(false);
    expect(startRunBodySchema.safeParse({ versionId: "v", extra: 1 }).success).toBe(false);
  });
});
