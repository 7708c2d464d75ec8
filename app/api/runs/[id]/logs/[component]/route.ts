import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput, queryOf } from "@/server/services/http-api";
import { componentParamSchema, logsQuerySchema, runIdSchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** The last `?tail=` lines of a component's log (replicas interleaved, each line tagged). */
export function GET(req: Request, ctx: { params: Promise<{ id: string; component: string }> }): Promise<Response> {
  return handle(async () => {
    const p = await ctx.params;
    const { tail } = parseInput(logsQuerySchema, queryOf(req.url), "query");
    return json(await consoleServices().runs.logs(parseInput(runIdSchema, p.id, "id"), parseInput(componentParamSchema, p.component, "component"), tail));
  });
}
