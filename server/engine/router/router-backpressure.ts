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
 * Room the node's producers may still be granted on its blocking out-edges: events and bytes left
 * under the bounds, minus what is already reserved (source credits, batches in flight to a
 * processor times its output ratio), and whether any of those queues holds events.
 */
export function outputRoom(node: NodeRt): { events: number; bytes: number; reservedEvents: number; reservedBytes: number; queued: boolean } {
  let events = Infinity;
  let bytes = Infinity;
  let queued = false;
  for (const q of node.outEdges) {
    if (q.policy !== "block") continue;
    events = Math.min(events, q.capacity - q.depth);
    bytes = Math.min(bytes, q.roomBytes);
    if (q.depth > 0) queued = true;
  }
  const r = reserved(node);
  return { events, bytes, reservedEvents: r.events, reservedBytes: r.bytes, queued };
}

/**
 * Whether the node's instances may produce `events` more (a batch of up to `bytes`) without
 * overrunning a blocking out-edge. Also records, on the out-edges, whether the producer is now
 * waiting on them (refused with nothing left to deliver), so the edges' blocked time counts that
 * wait even below capacity.
 */
export function mayNodeProduce(node: NodeRt, events: number, bytes = 0): boolean {
  const room = outputRoom(node);
  if (room.events === Infinity && room.bytes === Infinity) return true;
  const nothingReserved = room.reservedEvents === 0 && room.reservedBytes === 0;
  // Nothing in flight and the queues empty: one batch may go even if it is bigger than the
  // bounds, so a batch larger than the capacity slows the pipeline instead of deadlocking it.
  // Only then — allowing it whenever some room was left let a queue of capacity 1000 reach 1089.
  const ok = (room.events - room.reservedEvents >= events && room.bytes - room.reservedBytes >= bytes) || (nothingReserved && !room.queued);
  if (ok) {
    for (const q of node.outEdges) q.setProducerWaiting(false);
  } else if (nothingReserved) {
    // Refused with nothing left to deliver: the producer now waits on the edges without room.
    for (const q of node.outEdges) q.setProducerWaiting(q.policy === "block" && (q.capacity - q.depth < events || q.roomBytes < bytes));
  }
  return ok;
}

/** True while the producer is held back by any out-edge (full, or no room for its next batch). */
export function isProducerWaiting(node: NodeRt): boolean {
  for (const q of node.outEdges) if (q.blocking) return true;
  return false;
}

/** What the node's instances may still deliver without asking (credits, batches in flight). */
function reserved(node: NodeRt): { events: number; bytes: number } {
  let events = 0;
  let bytes = 0;
  for (const slot of node.slots) {
    const link = slot.link;
    if (link instanceof SourceLink) {
      events += link.reserved;
      bytes += link.reservedBytes;
    } else if (link instanceof BatchDownLink && node.spec.role === "processor") {
      events += Math.ceil(link.inflight * link.outputRatio);
    }
  }
  return { events, bytes };
}
