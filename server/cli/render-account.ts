/** The run summary's per-edge account: where every event each producer emitted went. */
import pc from "picocolors";
import type { EdgeAccount } from "../core/run";
import { formatTable } from "./output";

/**
 * One line when every edge delivered everything; else a table of the edges with their outcomes
 * (filtered events, kept off an edge by the sink's type filter, are listed apart).
 */
export function renderEdgeAccount(edges: readonly EdgeAccount[]): string {
  if (edges.length === 0) return "";
  const clean = edges.every((e) => e.delivered === e.produced && e.unaccounted === 0 && e.inFlight === 0 && e.filtered === 0);
  if (clean) return pc.dim(`every event delivered on ${edges.length} edge${edges.length === 1 ? "" : "s"} (${edges.reduce((a, e) => a + e.produced, 0)} in all)`);
  const rows = edges.map((e) => [
    `${e.from} → ${e.to}`,
    String(e.produced),
    String(e.delivered),
    String(e.dropped),
    String(e.rejected),
    String(e.lost),
    String(e.abandoned),
    String(e.filtered),
    e.unaccounted === 0 ? "0" : pc.red(String(e.unaccounted)),
  ]);
  return [pc.bold("Events per edge"), formatTable(["EDGE", "PRODUCED", "DELIVERED", "DROPPED", "REJECTED", "LOST", "ABANDONED", "FILTERED", "UNACCOUNTED"], rows)].join("\n");
}
