/**
 * `flowctl init component`: writes a component project (component-templates.ts) into a new or
 * empty directory. Refuses to write into a directory that has files, so nothing is overwritten.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ComponentRole } from "../../core/spec/pipeline-spec.schema";
import { FlowError } from "../../core/errors";
import { REPO_ROOT } from "../../drivers/process/process-driver";
import { componentProjectFiles } from "./component-templates";

/** Options of {@link initComponentProject}. */
export interface InitComponentOptions {
  name: string;
  role: ComponentRole;
  /** Where to create the project. @default <cwd>/<name> */
  dir: string;
  /** The `flowctl` dependency. @default `file:` + this flowctl's package directory */
  flowctlSpec?: string;
}

/** The created project: its directory and files (relative paths). */
export interface InitComponentResult {
  dir: string;
  files: string[];
  flowctlSpec: string;
}

/** flowctl's own package.json (its version pins for the generated devDependencies). */
function ownPackage(): { devDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { devDependencies?: Record<string, string> };
}

/** Writes the project; throws ALREADY_EXISTS naming the directory if it is not empty. */
export function initComponentProject(opts: InitComponentOptions): InitComponentResult {
  const dir = path.resolve(opts.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new FlowError("ALREADY_EXISTS", `${dir} already exists and is not empty; choose another name or --dir`);
  }
  const dev = ownPackage().devDependencies ?? {};
  const flowctlSpec = opts.flowctlSpec ?? `file:${REPO_ROOT}`;
  const files = componentProjectFiles({
    name: opts.name,
    role: opts.role,
    flowctlSpec,
    typescriptVersion: dev.typescript ?? "5.9.3",
    nodeTypesVersion: dev["@types/node"] ?? "20.19.43",
  });
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return { dir, files: Object.keys(files), flowctlSpec };
}
