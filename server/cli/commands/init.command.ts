/**
 * `flowctl init component <name> [--role source|processor|sink]`: scaffolds a component project
 * (TypeScript, depends on flowctl, unit test, pipeline) that `npm install && npx flowctl run
 * pipeline.yaml` runs as is. See docs/sdk.md, "Your own component project".
 */
import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { COMPONENT_ROLES } from "../../core/spec/pipeline-spec.schema";
import { cliContext, parseFlags } from "../context";
import { initComponentProject } from "../scaffold/init-component.service";

const flagsSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "must be kebab-case: lowercase letters and digits, words joined by '-' (e.g. shout or order-scorer)")
    .max(64, "must be at most 64 characters"),
  role: z.enum(COMPONENT_ROLES, { message: `must be one of ${COMPONENT_ROLES.join(", ")}` }),
  dir: z.string().min(1).optional(),
  flowctl: z.string().min(1).optional(),
});

/** Registers `flowctl init`. */
export function registerInitCommand(program: Command): void {
  const init = program.command("init").description("create a project: `init component <name>` scaffolds your own component");
  init
    .command("component")
    .description("scaffold a component project (TypeScript, unit test, pipeline) that runs after `npm install`")
    .argument("<name>", "component name, kebab-case (also the directory and package name)")
    .option("--role <role>", `${COMPONENT_ROLES.join(" | ")}`, "processor")
    .option("--dir <dir>", "directory to create (default: ./<name>)")
    .option("--flowctl <spec>", "how the project depends on flowctl: a path, a git URL or a tarball (default: this flowctl's directory)")
    .action((name: string, raw: Record<string, unknown>, cmd: Command) => {
      cliContext(cmd);
      const flags = parseFlags(flagsSchema, { ...raw, name });
      const result = initComponentProject({ name: flags.name, role: flags.role, dir: flags.dir ?? path.join(process.cwd(), flags.name), flowctlSpec: flags.flowctl });
      const rel = path.relative(process.cwd(), result.dir) || ".";
      process.stdout.write(
        [
          `Created ${flags.role} component project ${flags.name} in ${result.dir}`,
          ...result.files.map((f) => `  ${f}`),
          `flowctl dependency: ${result.flowctlSpec}`,
          "",
          "Next:",
          `  cd ${rel}`,
          "  npm install                     # installs flowctl, compiles src/ into dist/",
          "  npm test                        # the unit test",
          "  npx flowctl run pipeline.yaml   # runs it between built-in components",
          "",
        ].join("\n"),
      );
    });
}
