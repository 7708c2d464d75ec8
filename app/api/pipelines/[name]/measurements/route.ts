import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput } from "@/server/services/http-api";
import { pipelineNameSchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** The editor's what-if basis: the last run's per-component rates, busy shares and replicas (null when no run measured any). */
export function GET(_req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  return handle(async () => json(await consoleServices().runs.measurements(parseInput(pipelineNameSchema, (await ctx.params).name, "name"))));
}
