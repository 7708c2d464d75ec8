import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput } from "@/server/services/http-api";
import { runIdSchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** Runs the same pipeline version again (stopping this run first if needed): 201 `{runId}`. */
export function POST(_req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => json(await consoleServices().runs.restart(parseInput(runIdSchema, (await ctx.params).id, "id")), 201));
}
