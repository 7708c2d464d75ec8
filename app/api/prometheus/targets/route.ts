import { consoleServices } from "@/server/services/console-services";
import { handle, json } from "@/server/services/http-api";

export const dynamic = "force-dynamic";

/** Prometheus `http_sd`: the console itself and every running component instance. */
export function GET(): Promise<Response> {
  return handle(() => json(consoleServices().metrics.targets()));
}
