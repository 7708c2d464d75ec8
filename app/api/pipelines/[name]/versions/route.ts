import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput } from "@/server/services/http-api";
import { pipelineNameSchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** Versions of a pipeline, newest first. */
export function GET(_req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  return handle(async () => json(await consoleServices().pipelines.versions(parseInput(pipelineNameSchema, (await ctx.params).name, "name"))));
}
