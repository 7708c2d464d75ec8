import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput, queryOf } from "@/server/services/http-api";
import { momentQuerySchema, runIdSchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** The run at `?at=<ms>` from its stored rollups: overlay stats, diagnosis, active findings. */
export function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseInput(runIdSchema, (await ctx.params).id, "id");
    const { at } = parseInput(momentQuerySchema, queryOf(req.url), "query");
    return json(await consoleServices().runs.moment(id, at));
  });
}
