import { consoleServices } from "@/server/services/console-services";
import { handle, json } from "@/server/services/http-api";

export const dynamic = "force-dynamic";

/** Liveness and what this console is (version, control plane, database). */
export function GET(): Promise<Response> {
  return handle(() => {
    const { info, runs } = consoleServices();
    return json({ status: "ok", ...info, runningRuns: runs.ownedRunIds().length });
  });
}
