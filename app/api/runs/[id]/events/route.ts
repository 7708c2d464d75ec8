import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput } from "@/server/services/http-api";
import { runIdSchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** The run's lifecycle events and findings, oldest first. */
export function GET(_req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => json(await consoleServices().runs.events(parseInput(runIdSchema, (await ctx.params).id, "id"))));
}
