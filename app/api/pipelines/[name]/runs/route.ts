import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput, parseJsonBody } from "@/server/services/http-api";
import { pipelineNameSchema, startRunBodySchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** Starts the newest (or the given) version: 201 `{runId}`. */
export function POST(req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  return handle(async () => {
    const name = parseInput(pipelineNameSchema, (await ctx.params).name, "name");
    const body = await parseJsonBody(req, startRunBodySchema, '{} or {"versionId": "…"}');
    return json(await consoleServices().runs.start(name, body.versionId ? { versionId: body.versionId } : {}), 201);
  });
}
