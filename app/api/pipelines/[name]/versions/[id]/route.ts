import { z } from "zod";
import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput } from "@/server/services/http-api";
import { pipelineNameSchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** One version with its YAML and graph. */
export function GET(_req: Request, ctx: { params: Promise<{ name: string; id: string }> }): Promise<Response> {
  return handle(async () => {
    const p = await ctx.params;
    return json(await consoleServices().pipelines.version(parseInput(pipelineNameSchema, p.name, "name"), parseInput(z.string().min(1).max(64), p.id, "id")));
  });
}
