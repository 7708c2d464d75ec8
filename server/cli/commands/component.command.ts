/**
 * `flowctl component <name>`: runs a built-in component (load-generator, passthrough, transform,
 * blackhole, file, stdout, postgres) as this process, configured by environment variables — what
 * the engine starts for `type: <name>`. Bad env exits 2 naming the variable.
 */
import type { Command } from "commander";
import { z } from "zod";
import { BUILTIN_COMPONENTS } from "../../core/spec/builtins";
import { BUILTIN_LOADERS, loadBuiltinFactory } from "../../sdk/builtins/load";
import { runBuiltin } from "../../sdk/builtins/run-builtin";
import { parseFlags } from "../context";

const argsSchema = z.object({ name: z.string().min(1, "component name is required") });

/** Each built-in's settings from the catalogue, so `--help` answers "what can I set?". */
function builtinsHelp(): string {
  const lines = ["", "Built-ins and their settings (env):"];
  for (const b of BUILTIN_COMPONENTS) {
    lines.push("", `  ${b.name} (${b.role}) — ${b.description}`);
    for (const v of b.env) {
      const extra = [v.required ? "required" : undefined, v.default !== undefined ? `default ${v.default}${v.unit ? ` ${v.unit}` : ""}` : undefined].filter(Boolean).join(", ");
      lines.push(`    ${v.name.padEnd(20)} ${v.description}${extra ? ` (${extra})` : ""}`);
    }
  }
  lines.push("", "In a pipeline, `type: <name>` with these under `env:` runs the same component.");
  return lines.join("\n");
}

/** Registers `flowctl component <name>`. */
export function registerComponentCommand(program: Command): void {
  program
    .command("component")
    .description(`run a built-in component, configured by env (${Object.keys(BUILTIN_LOADERS).join(", ")})`)
    .argument("<name>", "built-in component name")
    .addHelpText("after", builtinsHelp)
    .action(async (name: string) => {
      const args = parseFlags(argsSchema, { name });
      const factory = await loadBuiltinFactory(args.name);
      if (!factory) {
        process.stderr.write(`Error: unknown built-in component ${JSON.stringify(args.name)} (available: ${Object.keys(BUILTIN_LOADERS).join(", ")})\n`);
        process.exitCode = 2;
        return;
      }
      await runBuiltin(factory);
    });
}
