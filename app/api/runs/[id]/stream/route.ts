import { consoleServices } from "@/server/services/console-services";
import { handle, parseInput } from "@/server/services/http-api";
import { runIdSchema } from "@/server/services/http-schemas";
import { framesOf, sseFrame, sseResponse } from "@/server/services/sse";

export const dynamic = "force-dynamic";

/** Server-Sent Events of a live run: `stats` (1 Hz), `diagnosis`, `event`, `gap`, `end`. */
export function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const runs = consoleServices().runs;
    const run = await runs.get(parseInput(runIdSchema, (await ctx.params).id, "id"));
    const ac = new AbortController();
    req.signal.addEventListener("abort", () => ac.abort(), { once: true });
    if (!runs.live(run.runId)) {
      // Ended (or run by another process): say so once; the page shows the recorded run instead.
      const once = (async function* () {
        yield sseFrame("end", { type: "end", status: run.status });
      })();
      return sseResponse(once, () => ac.abort());
    }
    return sseResponse(framesOf(runs.subscribe(run.runId, ac.signal)), () => ac.abort());
  });
}
