import { consoleServices } from "@/server/services/console-services";
import { handle } from "@/server/services/http-api";

export const dynamic = "force-dynamic";

/** The engine's own metric families (the same as `flowctl run --metrics-port`). */
export function GET(): Promise<Response> {
  return handle(async () => {
    const { contentType, text } = await consoleServices().metrics.exposition();
    return new Response(text, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
  });
}
