/**
 * What a pipeline submitted through the console may do. A pipeline file is executable: it names
 * commands and images. On loopback the console trusts its user like the CLI does; bound to another
 * address it refuses components that bring their own command or image (unless started with
 * `--allow-commands`) and built-ins' files outside the console's data directory.
 */
import path from "node:path";
import type { Diagnostic } from "../core/spec/diagnostics";
import type { CompiledPipeline } from "../core/spec/compile";
import { YamlSource } from "../core/spec/yaml-source";

/** The console's execution policy, fixed at start. */
export interface ExecutionPolicy {
  /** True when the console listens on loopback only. */
  loopback: boolean;
  /** Off loopback: allow `command:`/`image:` components anyway. */
  allowCommands: boolean;
  /** Components' working directory; built-ins' relative paths resolve here. */
  dataDir: string;
}

/** Built-in settings that name a file the component writes or reads. */
const FILE_SETTINGS = ["FILE_PATH"] as const;

const ROLE_LIST = { source: "sources", processor: "processors", sink: "sinks" } as const;

/** Every policy violation of `pipeline`, positioned in `yamlText` (empty when it may run). */
export function checkExecutionPolicy(pipeline: CompiledPipeline, yamlText: string, policy: ExecutionPolicy, file?: string): Diagnostic[] {
  if (policy.loopback) return [];
  const source = new YamlSource(yamlText);
  const seen: Record<string, number> = {};
  const out: Diagnostic[] = [];
  for (const c of pipeline.components) {
    const list = ROLE_LIST[c.role];
    const index = (seen[list] = (seen[list] ?? -1) + 1);
    const at = (...rest: (string | number)[]) => {
      const p = ["spec", list, index, ...rest];
      return { path: p.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join(""), ...source.positionOf(p), ...(file ? { file } : {}) };
    };
    if (!policy.allowCommands && ((c.command && c.command.length > 0) || c.image)) {
      const key = c.command && c.command.length > 0 ? "command" : "image";
      out.push({
        severity: "error",
        code: "console.command-not-allowed",
        message: `component ${c.id}: this console is reachable from other machines and does not run pipelines that name their own ${key}`,
        fix: "use a built-in `type`, or restart the console with --allow-commands if everyone who can log in may run programs on this host",
        ...at(key),
      });
    }
    for (const name of FILE_SETTINGS) {
      const value = c.env[name];
      if (value === undefined) continue;
      const resolved = path.resolve(policy.dataDir, value);
      const rel = path.relative(policy.dataDir, resolved);
      if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
        out.push({
          severity: "error",
          code: "console.path-outside-data-dir",
          message: `component ${c.id}: ${name} ${JSON.stringify(value)} resolves outside the console's data directory ${policy.dataDir}`,
          fix: `use a relative path such as out/${path.basename(value) || "events.jsonl"}`,
          ...at("env", name),
        });
      }
    }
  }
  return out;
}
