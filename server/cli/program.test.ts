import { describe, expect, it } from "vitest";
import { summarizeCommands } from "./command-manifest";
import { COMMANDS } from "./commands/index";
import { buildProgram, requestedCommand, rootProgram } from "./program";

describe("lazy command loading", () => {
  it("each entry of commands/index.ts registers exactly the command it is named after", async () => {
    for (const entry of COMMANDS) {
      const program = rootProgram();
      (await entry.load())(program);
      expect(program.commands.map((c) => c.name())).toEqual([entry.name]);
    }
    // Loads every command module (the console's included) through vitest's transform.
  }, 120_000);

  it("finds the requested command past the root's options, through `help`, and by alias", () => {
    const s = [
      { name: "run", aliases: [] },
      { name: "status", aliases: ["st"] },
    ];
    expect(requestedCommand(["run", "x.yaml"], s)).toBe("run");
    expect(requestedCommand(["--log-level", "debug", "run", "--for", "5s"], s)).toBe("run");
    expect(requestedCommand(["--log-level=debug", "--log-json", "status"], s)).toBe("status");
    expect(requestedCommand(["help", "status"], s)).toBe("status");
    expect(requestedCommand(["st"], s)).toBe("status");
    expect(requestedCommand([], s)).toBeUndefined();
    expect(requestedCommand(["--help"], s)).toBeUndefined();
    expect(requestedCommand(["runn"], s)).toBeUndefined();
    expect(requestedCommand(["--", "run"], s)).toBeUndefined();
  });

  it("the root help from the manifest (no command loaded) is the help with every command loaded", async () => {
    const manifest = await summarizeCommands();
    const full = await buildProgram(["--help"], undefined);
    const lazy = await buildProgram(["--help"], manifest);
    expect(lazy.helpInformation()).toBe(full.helpInformation());
    expect(lazy.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
  }, 120_000);

  it("loads the requested command for real and leaves the others as stubs", async () => {
    const manifest = await summarizeCommands();
    const program = await buildProgram(["validate", "--help"], manifest);
    const validate = program.commands.find((c) => c.name() === "validate")!;
    const run = program.commands.find((c) => c.name() === "run")!;
    expect(validate.options.length).toBeGreaterThan(0);
    expect(run.options).toHaveLength(0);
  }, 120_000);
});
