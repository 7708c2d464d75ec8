/**
 * `flowctl status [pipeline-file]`: the components registered with a running control plane,
 * grouped by role with health, endpoint, uptime, last heartbeat, event types and metrics (as the
 * original prints them); `--watch` re-renders every `--interval` seconds until Ctrl-C.
 */
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { FlowError } from "../../core/errors";
import type { RegisteredComponent } from "../../core/registry";
import { handleSignals } from "../../lifecycle/signals";
import { parseFlags } from "../context";
import { ControlPlaneClient } from "../control-plane-client";
import { addControlPlaneClientOptions, controlPlaneClientFlagsSchema } from "../control-plane-options";
import { findControlPlane } from "../control-plane-target";
import { buildStatusView, renderStatus } from "../control-plane-views";
import { render } from "../output";
import { readPipelineFile } from "../pipeline-file";

const statusFlagsSchema = controlPlaneClientFlagsSchema.extend({
  watch: z.boolean().default(false),
  interval: z.coerce.number().positive("must be a positive number of seconds").default(5),
  includeUnhealthy: z.boolean().default(true),
});

/** The parts of a pipeline file `status` needs: its name and component ids. */
const pipelineIdsSchema = z.object({
  metadata: z.object({ name: z.string().optional() }).optional(),
  spec: z
    .object({
      sources: z.array(z.object({ id: z.string() })).optional(),
      processors: z.array(z.object({ id: z.string() })).optional(),
      sinks: z.array(z.object({ id: z.string() })).optional(),
    })
    .optional(),
});

async function readPipelineScope(file: string): Promise<{ name: string; ids: Set<string> }> {
  const source = await readPipelineFile(file);
  let doc: unknown;
  try {
    doc = parseYaml(source.text);
  } catch (err) {
    throw new FlowError("INVALID_ARGUMENT", `${source.file}: not valid YAML: ${(err as Error).message}`);
  }
  const r = pipelineIdsSchema.safeParse(doc);
  if (!r.success) throw new FlowError("INVALID_ARGUMENT", `${source.file}: ${r.error.issues[0]?.path.join(".")}: ${r.error.issues[0]?.message}`);
  const spec = r.data.spec ?? {};
  const ids = new Set([...(spec.sources ?? []), ...(spec.processors ?? []), ...(spec.sinks ?? [])].map((c) => c.id));
  return { name: r.data.metadata?.name ?? file, ids };
}

/** Replicas register as `<id>-<n>`. */
function inScope(c: RegisteredComponent, ids: Set<string>): boolean {
  if (ids.has(c.info.id)) return true;
  const m = /^(.*)-(\d+)$/.exec(c.info.id);
  return m !== null && ids.has(m[1]!);
}

/** Registers `flowctl status`. */
export function registerStatusCommand(program: Command): void {
  const cmd = program.command("status [pipeline-file]").description("show the components registered with a running control plane, grouped by role");
  addControlPlaneClientOptions(cmd)
    .option("--watch", "re-render until Ctrl-C", false)
    .option("--interval <seconds>", "refresh interval for --watch", "5")
    .option("--include-unhealthy", "include UNHEALTHY and STOPPING components (default)")
    .option("--no-include-unhealthy", "hide UNHEALTHY and STOPPING components")
    .action(async (file: string | undefined, raw: Record<string, unknown>) => {
      const flags = parseFlags(statusFlagsSchema, raw);
      const scope = file ? await readPipelineScope(file) : undefined;
      const target = findControlPlane(flags);
      if (target.note) process.stderr.write(target.note + "\n");
      const client = new ControlPlaneClient(target.options);
      const snapshot = async () => {
        const all = await client.listComponents({ includeUnhealthy: flags.includeUnhealthy });
        const components = scope ? all.filter((c) => inScope(c, scope.ids)) : all;
        const view = buildStatusView(components, scope?.name ?? null);
        return render(flags.output, view, () => renderStatus(view, new Date()));
      };
      try {
        if (!flags.watch) {
          process.stdout.write((await snapshot()) + "\n");
          return;
        }
        const stop = new AbortController();
        const unhandle = handleSignals({ onGraceful: () => stop.abort(), onForce: () => process.exit(130) });
        try {
          while (!stop.signal.aborted) {
            let text: string;
            try {
              text = await snapshot();
            } catch (err) {
              // Keep watching through a control-plane restart; show why the screen is empty.
              text = `Error: ${(err as Error).message}`;
            }
            if (flags.output === "table") process.stdout.write("\x1b[2J\x1b[H");
            process.stdout.write(`${text}\n${flags.output === "table" ? `\nRefreshing every ${flags.interval}s — Ctrl-C to exit\n` : ""}`);
            await new Promise<void>((resolve) => {
              const t = setTimeout(resolve, flags.interval * 1000);
              stop.signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
            });
          }
        } finally {
          unhandle();
        }
      } finally {
        client.close();
      }
    });
}
