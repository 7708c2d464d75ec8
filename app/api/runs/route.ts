import { consoleServices } from "@/server/services/console-services";
import { handle, json, parseInput, queryOf } from "@/server/services/http-api";
import { runListQuerySchema } from "@/server/services/http-schemas";

export const dynamic = "force-dynamic";

/** Runs, newest first: `?pipeline=&status=RUNNING,FAILED&limit=`. */
export function GET(req: Request): Promise<Response> {
  return handle(async () => {
    const q = parseInput(runListQuerySchema, queryOf(req.url), "query");
    return json(await consoleServices().runs.list({ ...(q.pipeline ? { pipeline: q.pipeline } : {}), status: q.status, limit: q.limit }));
  });
}
