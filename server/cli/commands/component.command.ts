/**
 * `flowctl component <name>`: runs a built-in component (load-generator, passthrough, transform,
 * blackhole, file, stdout, postgres) as this process, configured by environment variables — what
 * the engine starts for `type: <name>`. Bad env exits 2 naming the variable.
 */
import type { Command } from "commander";
import { z } from "zod";
import { BUILTIN_FACTORIES, findBuiltinFactory } from "../../sdk/builtins/index";
import { ComponentConfigError } from "../../sdk/config";
import { runComponent } from "../../sdk/run-component";
import { parseFlags } from "../context";

const argsSchema = z.object({ name: z.string().min(1, "component name is required") });

/** Registers `flowctl component <name>`. */
export function registerComponentCommand(program: Command): void {
  program
    .command("component")
    .description(`run a built-in component, configured by env (${Object.keys(BUILTIN_FACTORIES).join(", ")})`)
    .argument("<name>", "built-in component name")
    .action(async (name: string) => {
      const args = parseFlags(argsSchema, { name });
      const factory = findBuiltinFactory(args.name);
      if (!factory) {
        process.stderr.write(`Error: unknown built-in component ${JSON.stringify(args.name)} (available: ${Object.keys(BUILTIN_FACTORIES).join(", ")})\n`);
        process.exitCode = 2;
        return;
      }
      let def;
      try {
        def = factory(process.env);
      } catch (err) {
        if (!(err instanceof ComponentConfigError)) throw err;
        process.stderr.write(`Error: ${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      await runComponent(def);
    });
}
