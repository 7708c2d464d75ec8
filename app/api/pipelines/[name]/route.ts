import { FlowError } from "@/server/core/errors";
import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput, queryOf } from "@/server/services/http-api";
import { MAX_PIPELINE_BYTES, pipelineNameSchema, savePipelineQuerySchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string }> };

/** One pipeline: newest version's YAML and graph, versions, recent runs. */
export function GET(_req: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const name = parseInput(pipelineNameSchema, (await ctx.params).name, "name");
    return json(await consoleServices().pipelines.get(name));
  });
}

/** Saves the YAML body as a new version: 201, 200 when unchanged, 422 with every diagnostic. */
export function PUT(req: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const name = parseInput(pipelineNameSchema, (await ctx.params).name, "name");
    const { message } = parseInput(savePipelineQuerySchema, queryOf(req.url), "query");
    const type = req.headers.get("content-type") ?? "";
    if (!/^(application\/(x-)?yaml|text\/(x-)?yaml|text\/plain)\b/.test(type)) {
      throw new FlowError("INVALID_ARGUMENT", `Content-Type: send the pipeline as application/yaml (got ${JSON.stringify(type || "none")})`);
    }
    const yaml = await req.text();
    if (Buffer.byteLength(yaml) > MAX_PIPELINE_BYTES) throw new FlowError("INVALID_ARGUMENT", `body: a pipeline file is at most ${MAX_PIPELINE_BYTES} bytes`);
    const saved = await consoleServices().pipelines.save(name, yaml, message);
    return json(saved, saved.created ? 201 : 200);
  });
}
