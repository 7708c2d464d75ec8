import { consoleServices } from "@/server/services/console-services";
import { handle, json } from "@/server/services/http-api";

export const dynamic = "force-dynamic";

/** Every pipeline with its newest version, latest run and live rate. */
export function GET(): Promise<Response> {
  return handle(async () => json(await consoleServices().pipelines.list()));
}
