/** The palette groups every built-in by role and filters by what the user types. */
import { describe, expect, it } from "vitest";
import { BUILTIN_COMPONENTS } from "@/server/core/spec/index";
import { paletteGroups } from "./palette-model";

describe("paletteGroups", () => {
  it("lists every built-in once, sources first", () => {
    const groups = paletteGroups();
    expect(groups.map((g) => g.role)).toEqual(["source", "processor", "sink"]);
    expect(groups.flatMap((g) => g.items.map((i) => i.name)).sort()).toEqual(BUILTIN_COMPONENTS.map((b) => b.name).sort());
  });

  it("matches names, descriptions and setting names, every word", () => {
    expect(paletteGroups("jsonata").flatMap((g) => g.items.map((i) => i.name))).toEqual(["transform"]);
    expect(paletteGroups("FILE_PATH").flatMap((g) => g.items.map((i) => i.name))).toEqual(["file"]);
    expect(paletteGroups("load gen").map((g) => g.role)).toEqual(["source"]);
    expect(paletteGroups("nothing-like-this")).toEqual([]);
  });
});
