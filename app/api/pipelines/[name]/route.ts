import type { EditorLayout } from "@/server/core/editor/layout-model";
import { FlowError } from "@/server/core/errors";
import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput, queryOf } from "@/server/services/http-api";
import { MAX_PIPELINE_BYTES, pipelineNameSchema, savePipelineBodySchema, savePipelineQuerySchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string }> };

/** One pipeline: newest version's YAML and graph, versions, recent runs. */
export function GET(_req: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const name = parseInput(pipelineNameSchema, (await ctx.params).name, "name");
    return json(await consoleServices().pipelines.get(name));
  });
}

/**
 * Saves a new version: 201, 200 when the YAML is unchanged, 422 with every diagnostic. The body is
 * the YAML itself (`application/yaml`, `?message=`), or JSON `{yaml, message?, layout?}` when the
 * editor saves its node positions with it.
 */
export function PUT(req: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const name = parseInput(pipelineNameSchema, (await ctx.params).name, "name");
    const type = req.headers.get("content-type") ?? "";
    const body = await req.text();
    if (Buffer.byteLength(body) > MAX_PIPELINE_BYTES + 256 * 1024) throw new FlowError("INVALID_ARGUMENT", `body: a pipeline file is at most ${MAX_PIPELINE_BYTES} bytes`);
    let input: { yaml: string; message?: string | undefined; layout?: EditorLayout | undefined };
    if (/^application\/json\b/.test(type)) {
      let raw: unknown;
      try {
        raw = JSON.parse(body);
      } catch {
        throw new FlowError("INVALID_ARGUMENT", "body: not JSON (send {\"yaml\": \"…\", \"message\"?: \"…\", \"layout\"?: {…}})");
      }
      input = parseInput(savePipelineBodySchema, raw, "body");
    } else if (/^(application\/(x-)?yaml|text\/(x-)?yaml|text\/plain)\b/.test(type)) {
      input = { yaml: body, message: parseInput(savePipelineQuerySchema, queryOf(req.url), "query").message };
    } else {
      throw new FlowError("INVALID_ARGUMENT", `Content-Type: send the pipeline as application/yaml, or JSON {yaml, message, layout} (got ${JSON.stringify(type || "none")})`);
    }
    if (Buffer.byteLength(input.yaml) > MAX_PIPELINE_BYTES) throw new FlowError("INVALID_ARGUMENT", `body: a pipeline file is at most ${MAX_PIPELINE_BYTES} bytes`);
    const saved = await consoleServices().pipelines.save(name, input.yaml, input.message, input.layout);
    return json(saved, saved.created ? 201 : 200);
  });
}
