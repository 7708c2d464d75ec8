import { consoleServices } from "@/server/services/console-services";
import { handle, json } from "@/server/services/http-api";

export const dynamic = "force-dynamic";

/** The shared control plane's registry: every component, with health and heartbeat metrics. */
export function GET(): Promise<Response> {
  return handle(() => json(consoleServices().components.list()));
}
