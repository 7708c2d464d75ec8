import { consoleServices } from "@/server/services/console-services";
import { handle, json } from "@/server/services/http-api";

export const dynamic = "force-dynamic";

/**
 * The Prometheus HTTP API over the console's series (`query`, `query_range`, `series`, `labels`,
 * `label/<name>/values`): point Grafana's Prometheus data source at the console's URL.
 */
async function prometheus(req: Request): Promise<Response> {
  return handle(async () => {
    const { status, body } = await consoleServices().metrics.prometheusApi(req);
    return json(body, status);
  });
}

export const GET = prometheus;
export const POST = prometheus;
