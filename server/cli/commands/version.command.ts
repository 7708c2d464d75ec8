import type { Command } from "commander";
import { FLOWCTL_VERSION } from "../version";

/** `flowctl version`: version, runtime and platform, as the original prints them. */
export function registerVersionCommand(program: Command): void {
  program
    .command("version")
    .description("print version information")
    .action(() => {
      process.stdout.write(
        [`flowctl version ${FLOWCTL_VERSION}`, `node: ${process.version}`, `os/arch: ${process.platform}/${process.arch}`].join("\n") + "\n",
      );
    });
}
