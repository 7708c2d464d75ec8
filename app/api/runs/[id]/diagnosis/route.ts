import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput, queryOf } from "@/server/services/http-api";
import { diagnosisQuerySchema, runIdSchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** Exactly `flowctl diagnose --json`: live runs now, finished runs as stored at their end. */
export function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = parseInput(runIdSchema, (await ctx.params).id, "id");
    const q = parseInput(diagnosisQuerySchema, queryOf(req.url), "query");
    return json(await consoleServices().runs.diagnosis(id, q.window !== undefined ? { windowMs: q.window } : {}));
  });
}
