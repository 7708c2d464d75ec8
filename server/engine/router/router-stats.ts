/**
 * The router's stats message: per-node counters and instance links, per-edge queue figures.
 * Built from the nodes as they are now; RouterCore posts it on its interval and once at the end.
 */
import type { NodeStats, RouterToHost } from "./protocol";
import type { NodeRt } from "./router-node";

/** Snapshot of every node and edge as a `stats` message (`final` on the last one of the run). */
export function buildStats(nodes: Iterable<NodeRt>, activeStreams: number, final: boolean): RouterToHost {
  const all = [...nodes];
  const nodeStats: NodeStats[] = [];
  for (const node of all) {
    const instances: NodeStats["instances"] = {};
    for (const s of node.slots) {
      instances[s.instanceId] = { eventsIn: s.link?.eventsIn ?? 0, eventsOut: s.link?.eventsOut ?? 0, connected: s.link?.state === "up" };
    }
    nodeStats.push({ id: node.id, ...node.stats, instances, ended: node.ended });
  }
  const edges = [];
  for (const node of all) {
    for (const q of node.outEdges) {
      edges.push({
        from: q.from,
        to: q.to,
        depth: q.depth,
        peakDepth: q.peakDepth,
        queuedBytes: q.bytes,
        peakBytes: q.peakBytes,
        maxBytes: Number.isFinite(q.maxBytes) ? q.maxBytes : 0,
        capacity: q.capacity,
        events: q.dequeued,
        bytes: q.dequeuedBytes,
        blockedSeconds: q.blockedMsNow() / 1000,
        dropped: q.dropped,
        produced: q.enqueued + q.account.rejected,
        delivered: q.account.delivered,
        rejected: q.account.rejected,
        lost: q.account.lost,
        abandoned: q.account.abandoned,
        filtered: q.account.filtered,
      });
    }
  }
  return { type: "stats", at: Date.now(), edges, nodes: nodeStats, activeStreams, final };
}
