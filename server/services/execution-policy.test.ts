import { describe, expect, it } from "vitest";
import { loadPipeline } from "../core/spec/load-pipeline";
import { checkExecutionPolicy } from "./execution-policy";

const yaml = `apiVersion: flowctl/v1
kind: Pipeline
metadata: { name: p }
spec:
  sources:
    - id: gen
      command: [node, gen.js]
  sinks:
    - id: out
      type: file
      inputs: [gen]
      env:
        FILE_PATH: ../../etc/evil.jsonl
    - id: ok
      type: file
      inputs: [gen]
      env: { FILE_PATH: out/events.jsonl }
`;
const pipeline = loadPipeline(yaml).pipeline!;

describe("checkExecutionPolicy", () => {
  it("allows everything on loopback", () => {
    expect(checkExecutionPolicy(pipeline, yaml, { loopback: true, allowCommands: false, dataDir: "/data" })).toEqual([]);
  });

  it("off loopback, refuses own commands and files outside the data directory, each at its line", () => {
    const diags = checkExecutionPolicy(pipeline, yaml, { loopback: false, allowCommands: false, dataDir: "/data" }, "p.yaml");
    expect(diags.map((d) => [d.code, d.path, d.line])).toEqual([
      ["console.command-not-allowed", "spec.sources[0].command", 7],
      ["console.path-outside-data-dir", "spec.sinks[0].env.FILE_PATH", 13],
    ]);
    expect(diags[0]!.file).toBe("p.yaml");
  });

  it("off loopback with --allow-commands, still keeps files inside the data directory", () => {
    const diags = checkExecutionPolicy(pipeline, yaml, { loopback: false, allowCommands: true, dataDir: "/data" });
    expect(diags.map((d) => d.code)).toEqual(["console.path-outside-data-dir"]);
  });
});
