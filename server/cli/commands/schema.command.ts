/** `flowctl schema`: the pipeline JSON Schema (generated from the zod schema) on stdout. */
import type { Command } from "commander";
import { pipelineJsonSchema } from "../../core/spec/spec.json-schema";
import { cliContext } from "../context";

/** Registers `flowctl schema`. */
export function registerSchemaCommand(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of pipeline files (for editors and forms)")
    .action((_flags: unknown, cmd: Command) => {
      cliContext(cmd);
      process.stdout.write(JSON.stringify(pipelineJsonSchema(), null, 2) + "\n");
    });
}
