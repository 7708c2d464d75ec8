import { FlowError } from "@/server/core/errors";
import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput } from "@/server/services/http-api";
import { layoutSchema, pipelineNameSchema, versionIdSchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string; id: string }> };

/** The editor's node positions stored with a version (`layout: null` when none were saved). */
export function GET(_req: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const p = await ctx.params;
    return json(await consoleServices().pipelines.layout(parseInput(pipelineNameSchema, p.name, "name"), parseInput(versionIdSchema, p.id, "id")));
  });
}

/** Replaces a version's node positions (JSON layout map); the version and its YAML stay as they are. */
export function PUT(req: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const p = await ctx.params;
    let raw: unknown;
    try {
      raw = JSON.parse(await req.text());
    } catch {
      throw new FlowError("INVALID_ARGUMENT", "body: not JSON (send {\"version\": 1, \"positions\": {…}})");
    }
    const layout = parseInput(layoutSchema, raw, "body");
    return json(await consoleServices().pipelines.saveLayout(parseInput(pipelineNameSchema, p.name, "name"), parseInput(versionIdSchema, p.id, "id"), layout));
  });
}
