import { FlowError } from "@/server/core/errors";
import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput } from "@/server/services/http-api";
import { pipelineNameSchema, startRunBodySchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** Stops the pipeline's run in progress (if any) and starts the newest (or the given) version: 201 `{runId, stoppedRunId}`. */
export function POST(req: Request, ctx: { params: Promise<{ name: string }> }): Promise<Response> {
  return handle(async () => {
    const name = parseInput(pipelineNameSchema, (await ctx.params).name, "name");
    const text = await req.text();
    let raw: unknown = {};
    if (text.trim()) {
      try {
        raw = JSON.parse(text);
      } catch {
        throw new FlowError("INVALID_ARGUMENT", "body: not JSON (send {} or {\"versionId\": \"…\"})");
      }
    }
    const body = parseInput(startRunBodySchema, raw, "body");
    return json(await consoleServices().runs.redeploy(name, body.versionId ? { versionId: body.versionId } : {}), 201);
  });
}
