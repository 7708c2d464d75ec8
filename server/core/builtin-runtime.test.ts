import { describe, expect, it } from "vitest";
import { builtinContainerEnv, builtinEnvDefaults, builtinNodeFlags } from "./builtin-runtime";

describe("built-in runtime settings", () => {
  it("caps the semi-space unless NODE_OPTIONS sets it", () => {
    expect(builtinNodeFlags({})).toEqual(["--max-semi-space-size=4"]);
    expect(builtinNodeFlags({ NODE_OPTIONS: "--enable-source-maps" })).toEqual(["--max-semi-space-size=4"]);
    expect(builtinNodeFlags({ NODE_OPTIONS: "--enable-source-maps --max-semi-space-size=16" })).toEqual([]);
  });

  it("limits malloc arenas unless the environment already says how many", () => {
    expect(builtinEnvDefaults({})).toEqual({ MALLOC_ARENA_MAX: "2" });
    expect(builtinEnvDefaults({ MALLOC_ARENA_MAX: "8" })).toEqual({});
  });

  it("puts the flag in NODE_OPTIONS for containers, after the component's own options", () => {
    expect(builtinContainerEnv({})).toEqual({ MALLOC_ARENA_MAX: "2", NODE_OPTIONS: "--max-semi-space-size=4" });
    expect(builtinContainerEnv({ NODE_OPTIONS: "--enable-source-maps" })).toEqual({ MALLOC_ARENA_MAX: "2", NODE_OPTIONS: "--enable-source-maps --max-semi-space-size=4" });
    expect(builtinContainerEnv({ NODE_OPTIONS: "--max-semi-space-size=16", MALLOC_ARENA_MAX: "1" })).toEqual({});
  });
});
