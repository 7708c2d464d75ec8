import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../core/errors";
import { isAuthorized } from "./auth";
import { fromWireRunMetrics, stringsToDoubles, toTimestamp, fromTimestamp, toWireRunStatus } from "./conversions";
import { assertDecoded, tolerantDeserializer, toServiceError } from "./grpc-errors";
import { heartbeatRequestSchema, parseRequest, registerRequestSchema } from "./request.schemas";
import { effectiveRunLimit } from "./run-tracking.service";

const component = { id: "a", name: "", description: "", version: "", type: "COMPONENT_TYPE_SOURCE", inputEventTypes: [], outputEventTypes: ["x"], endpoint: ":9", metadata: {} };

describe("control-plane request parsing and mapping", () => {
  it("names the offending field in snake_case", () => {
    expect(() => parseRequest(registerRequestSchema, { component: null, componentId: "" })).toThrow("component: is required");
    expect(() => parseRequest(registerRequestSchema, { component: { ...component, id: "" }, componentId: "" })).toThrow(/component\.id: is required/);
    expect(() => parseRequest(registerRequestSchema, { component: { ...component, outputEventTypes: [1] }, componentId: "" })).toThrow(/component\.output_event_types\[0\]/);
    expect(() => parseRequest(registerRequestSchema, { component: { ...component, endpoint: "host:99999" }, componentId: "" })).toThrow(/component\.endpoint: port/);
    expect(() => parseRequest(heartbeatRequestSchema, { serviceId: "a", status: 9, metrics: {} })).toThrow(/status: unknown value 9/);
    expect(parseRequest(registerRequestSchema, { component: { ...component, id: "" }, componentId: "given" }).componentId).toBe("given");
  });

  it("maps errors through the status table, and malformed bytes to INVALID_ARGUMENT", () => {
    expect(toServiceError(new InvalidArgumentError("x", "bad")).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(toServiceError(new Error("boom")).code).toBe(grpc.status.INTERNAL);
    const decoded = tolerantDeserializer(() => {
      throw new Error("index out of range");
    })(Buffer.alloc(0));
    expect(() => assertDecoded(decoded)).toThrow(/request: malformed protobuf message \(index out of range\)/);
  });

  it("checks bearer tokens exactly", () => {
    const md = (v?: string) => {
      const m = new grpc.Metadata();
      if (v !== undefined) m.set("authorization", v);
      return m;
    };
    expect(isAuthorized(md("Bearer abc"), "abc")).toBe(true);
    expect(isAuthorized(md("bearer abc"), "abc")).toBe(true);
    expect(isAuthorized(md("Bearer abcd"), "abc")).toBe(false);
    expect(isAuthorized(md("abc"), "abc")).toBe(false);
    expect(isAuthorized(md(), "abc")).toBe(false);
  });

  it("converts timestamps, statuses, metrics and list limits", () => {
    const d = new Date("2026-01-02T03:04:05.678Z");
    expect(fromTimestamp(toTimestamp(d))).toEqual(d);
    expect(toWireRunStatus("INTERRUPTED")).toBe("RUN_STATUS_FAILED");
    expect(stringsToDoubles({ a: "1.5", b: "x", c: "" })).toEqual({ a: 1.5 });
    const m = fromWireRunMetrics({ eventsProcessed: 1, eventsPerSecond: 2, bytesProcessed: 3, componentMetrics: { s: { eventsIn: 0, eventsOut: 5, bytesIn: 0, bytesOut: 0, processingTimeMs: 1 } } }, null);
    expect(m.components.s).toMatchObject({ eventsOut: 5, restarts: 0, lost: 0 });
    expect([effectiveRunLimit(0), effectiveRunLimit(-1), effectiveRunLimit(3)]).toEqual([10, undefined, 3]);
  });
});
