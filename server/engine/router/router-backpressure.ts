/**
 * Back-pressure towards producers: whether a node's output is blocked (a full edge queue) and
 * whether its instances may produce more events given the room left on its blocking out-edges and
 * what they may still deliver without asking (source credits, processor batches in flight).
 */
import { BatchDownLink, SourceLink } from "./links/index";
import type { NodeRt } from "./router-node";

/** True while any of the node's out-edge queues is full. */
export function isOutputBlocked(node: NodeRt): boolean {
  for (const q of node.outEdges) if (q.full) return true;
  return false;
}

/**
 * Whether the node's instances may produce `events` more without overrunning a blocking out-edge.
 * Also records, on the out-edges, whether the producer is now waiting on them (refused with nothing
 * left to deliver), so the edges' blocked time counts that wait even below capacity.
 */
export function mayNodeProduce(node: NodeRt, events: number): boolean {
  let room = Infinity;
  let queued = false;
  for (const q of node.outEdges) {
    if (q.policy !== "block") continue;
    room = Math.min(room, q.capacity - q.depth);
    if (q.depth > 0) queued = true;
  }
  if (room === Infinity) return true;
  const reserved = reservedEvents(node);
  // Nothing in flight and the queues empty: one batch may go even if it is bigger than the
  // capacity, so a batch size above the capacity slows the pipeline instead of deadlocking it.
  // Only then — allowing it whenever some room is left let a queue of capacity 1000 reach 1089.
  const ok = room - reserved >= events || (reserved === 0 && !queued);
  if (ok) {
    for (const q of node.outEdges) q.setProducerWaiting(false);
  } else if (reserved === 0) {
    // Refused with nothing left to deliver: the producer now waits on the edges without room.
    for (const q of node.outEdges) q.setProducerWaiting(q.policy === "block" && q.capacity - q.depth < events);
  }
  return ok;
}

/** True while the producer is held back by any out-edge (full, or no room for its next batch). */
export function isProducerWaiting(node: NodeRt): boolean {
  for (const q of node.outEdges) if (q.blocking) return true;
  return false;
}

/** Output events the node's instances may still deliver without asking (credits, batches in flight). */
function reservedEvents(node: NodeRt): number {
  let n = 0;
  for (const slot of node.slots) {
    const link = slot.link;
    if (link instanceof SourceLink) n += link.reserved;
    else if (link instanceof BatchDownLink && node.spec.role === "processor") n += link.inflight;
  }
  return n;
}
