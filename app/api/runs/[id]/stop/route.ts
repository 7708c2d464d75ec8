import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput } from "@/server/services/http-api";
import { runIdSchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** Stops an owned run (drain, then components); answers with the final record. */
export function POST(_req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => json(await consoleServices().runs.stop(parseInput(runIdSchema, (await ctx.params).id, "id"))));
}
