/**
 * Every example pipeline validates, each built-in in it accepts its env, and each transform
 * expression works on what its upstream load generator emits (so `flowctl run examples/…` and
 * `npm start` do not fail on a typo).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findBuiltin } from "../../core/spec/builtins";
import { loadPipeline } from "../../core/spec/load-pipeline";
import { testProcessor, testSource } from "../testing/index";
import type { ProcessorDefinition, SourceDefinition } from "../types";
import { findBuiltinFactory } from "./index";

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../examples");
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".yaml"));

describe("examples/", () => {
  it("holds the performance-guide patterns and the demos", () => {
    expect(files.sort()).toEqual(["custom-component.yaml", "demo.yaml", "fan-in.yaml", "fan-out.yaml", "linear.yaml", "load-test.yaml", "partitioned.yaml", "slow-sink.yaml"]);
  });

  it("the README's commands use examples that run anywhere (no built-in needing an external service)", () => {
    const readme = readFileSync(path.join(EXAMPLES, "..", "README.md"), "utf8");
    const named = [...new Set([...readme.matchAll(/examples\/([\w.-]+\.ya?ml)/g)].map((m) => m[1]!))];
    expect(named.length).toBeGreaterThan(0);
    const needs = named.flatMap((file) => {
      const { pipeline } = loadPipeline(readFileSync(path.join(EXAMPLES, file), "utf8"), { file });
      return pipeline!.components.flatMap((c) => (findBuiltin(c.builtin)?.requires ? [`${file}: ${c.id} needs ${findBuiltin(c.builtin)!.requires}`] : []));
    });
    expect(needs).toEqual([]);
  });

  it("an example that needs an external service says so in its header", () => {
    for (const file of files) {
      const text = readFileSync(path.join(EXAMPLES, file), "utf8");
      const { pipeline } = loadPipeline(text, { file });
      for (const c of pipeline!.components) {
        const requires = findBuiltin(c.builtin)?.requires;
        if (requires) expect(text.split("\napiVersion:")[0], `${file} (${c.id})`).toMatch(/Needs /);
      }
    }
  });

  for (const file of files) {
    it(`${file} validates and its built-ins accept their env`, async () => {
      const { pipeline, diagnostics } = loadPipeline(readFileSync(path.join(EXAMPLES, file), "utf8"), { file });
      expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(pipeline).toBeDefined();
      for (const c of pipeline!.components) {
        if (c.command) {
          // A component written with the SDK: the script it runs is in examples/.
          const script = c.command.find((a) => a.endsWith(".ts"));
          expect(script && existsSync(path.join(EXAMPLES, script)), `${c.id}: ${c.command.join(" ")}`).toBe(true);
          continue;
        }
        expect(c.builtin, `${c.id} uses a built-in`).toBeDefined();
        const def = findBuiltinFactory(c.builtin!)!(c.env);
        expect(def.role).toBe(c.role);
        if (def.role !== "processor" || c.builtin !== "transform") continue;
        // Feed the transform what its upstream generator produces.
        const upstream = pipeline!.components.find((u) => c.inputs.includes(u.id))!;
        const src = await testSource(findBuiltinFactory(upstream.builtin!)!({ ...upstream.env, EVENT_COUNT: "3", EVENTS_PER_SECOND: "0" }) as SourceDefinition);
        const events = await src.collect();
        const proc = await testProcessor(def as ProcessorDefinition);
        const out = await proc.processDetailed(events);
        expect(out.errors).toEqual([]);
        expect(out.events.length).toBeGreaterThan(0);
      }
    });
  }
});
