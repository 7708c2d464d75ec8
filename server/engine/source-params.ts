/**
 * `StreamRequest.params` for a source: flowctl forwards `START_LEDGER` / `END_LEDGER` from the
 * source's env as `start_ledger` / `end_ledger` (flowctl-go-spec §4, feature 75); every `config`
 * key is passed too, by its YAML name, so other sources can read their settings from the request.
 */
import type { CompiledComponent } from "../core/spec/compile";

export function sourceParams(c: Pick<CompiledComponent, "config" | "env">): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.config)) {
    if (v === undefined || v === null) continue;
    params[k] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  if (c.env.START_LEDGER !== undefined) params.start_ledger = c.env.START_LEDGER;
  if (c.env.END_LEDGER !== undefined) params.end_ledger = c.env.END_LEDGER;
  return params;
}
