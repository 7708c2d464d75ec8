/** The new-pipeline name field edits metadata.name and nothing else. */
import { describe, expect, it } from "vitest";
import { pipelineNameOf, pipelineNameProblem, withPipelineName } from "./pipeline-name";

const TEXT = `# my pipeline
apiVersion: flowctl/v1
kind: Pipeline
metadata:
  name: draft   # renamed on save
  description: "kept"
spec:
  sources: [ { id: a, type: load-generator } ]
`;

describe("pipeline name", () => {
  it("changes metadata.name and keeps every other byte", () => {
    const next = withPipelineName(TEXT, "orders")!;
    expect(pipelineNameOf(next)).toBe("orders");
    expect(next).toBe(TEXT.replace("name: draft", "name: orders"));
  });

  it("adds metadata when the text has none, and refuses text that does not parse", () => {
    expect(pipelineNameOf(withPipelineName("kind: Pipeline\n", "x")!)).toBe("x");
    expect(withPipelineName("a: [", "x")).toBeUndefined();
    expect(pipelineNameOf("a: [")).toBeUndefined();
  });

  it("checks names as the API does", () => {
    expect(pipelineNameProblem("orders-2")).toBeUndefined();
    expect(pipelineNameProblem("")).toMatch(/name/);
    expect(pipelineNameProblem("-x")).toMatch(/starting with/);
    expect(pipelineNameProblem("new")).toMatch(/reserved/);
  });
});
