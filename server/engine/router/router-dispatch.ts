/**
 * Dispatch: moving a node's queued input events to its instances' links under their credits, in
 * batches (size or linger), shared round-robin or by partition key. Called by RouterCore, which
 * keeps the guards (closing, ended) and the drain check around it.
 */
import { BATCH_MAX_BYTES, batchEntryBytes, readEventKey, hashBytes, type PartitionField } from "../../wire/relay-codec";
import { DownLink } from "./links/index";
import type { NodeRt } from "./router-node";

/** What dispatch needs from the router around it. */
export interface DispatchHost {
  /** Called by the edge queues when one has room again, so the producer behind it resumes. */
  readonly unblocked: (fromId: string) => void;
  /** Dispatches the node again (once its linger expired). */
  dispatch(node: NodeRt): void;
}

/** Moves the node's queued events to instances with free credits, in batches (size or linger). */
export function dispatchQueued(node: NodeRt, host: DispatchHost): void {
  if (node.partition) dispatchPartitioned(node, node.partition, host);
  else dispatchShared(node, host);
}

function flushAllowed(node: NodeRt, available: number, host: DispatchHost): boolean {
  if (available >= node.spec.batchSize || node.lingerExpired || node.upstream.every((u) => u.ended)) return true;
  if (!node.lingerTimer) {
    node.lingerTimer = setTimeout(() => {
      node.lingerTimer = undefined;
      node.lingerExpired = true;
      host.dispatch(node);
      node.lingerExpired = false;
    }, node.spec.lingerMs);
  }
  return false;
}

function dispatchShared(node: NodeRt, host: DispatchHost): void {
  const n = node.slots.length;
  for (;;) {
    const available = node.queued();
    if (available === 0) return;
    let sent = false;
    for (let k = 0; k < n; k++) {
      const i = (node.rr + k) % n;
      const link = node.slots[i]!.link;
      if (!(link instanceof DownLink) || !link.canSend()) continue;
      const size = Math.min(link.wire === "batch" ? node.spec.batchSize : Math.min(node.spec.batchSize, 64), link.sendLimit());
      // Nagle-style: an instance with nothing in flight gets what is queued now (at moderate rates
      // a linger timer is most of the latency: Node clamps it to ≥ 1 ms per hop); one with batches
      // outstanding lets the next batch fill (size or linger) until an ack comes back.
      if (link.wire === "batch" && link.inflight > 0 && !flushAllowed(node, node.queued(), host)) continue;
      const batch = node.take(Math.min(size, node.queued()), host.unblocked, BATCH_MAX_BYTES);
      if (batch.length === 0) return;
      link.send(batch);
      node.rr = i + 1;
      sent = true;
      break;
    }
    if (!sent) return;
  }
}

/** Hash of the partition key picks the instance; a busy instance holds back its own events only at the head. */
function dispatchPartitioned(node: NodeRt, field: PartitionField, host: DispatchHost): void {
  const n = node.slots.length;
  // Size-or-linger applies here too: small batches cost a gRPC message each on the batched wire.
  if (node.slots.some((s) => s.wire === "batch") && !flushAllowed(node, node.queued(), host)) return;
  const staged: Buffer[][] = node.slots.map(() => []);
  const stagedBytes: number[] = node.slots.map(() => 0);
  const limit = node.spec.batchSize;
  let blockedTarget = false;
  while (!blockedTarget && node.queued() > 0) {
    const ev = node.peekNext();
    if (!ev) break;
    const target = hashBytes(readEventKey(ev, field)) % n;
    const link = node.slots[target]!.link;
    if (!(link instanceof DownLink) || staged[target]!.length >= Math.min(limit, link.sendLimit()) || !link.canSend()) {
      blockedTarget = true;
      break;
    }
    const add = batchEntryBytes(ev.length);
    // Byte cap as in dispatchShared: send what is staged before this event would overflow it.
    if (staged[target]!.length > 0 && stagedBytes[target]! + add > BATCH_MAX_BYTES) {
      link.send(staged[target]!);
      staged[target] = [];
      stagedBytes[target] = 0;
      if (!link.canSend()) {
        blockedTarget = true;
        break;
      }
    }
    staged[target]!.push(node.take(1, host.unblocked)[0]!);
    stagedBytes[target]! += add;
    if (staged[target]!.length >= Math.min(limit, link.sendLimit())) {
      link.send(staged[target]!);
      staged[target] = [];
      stagedBytes[target] = 0;
    }
  }
  for (let i = 0; i < n; i++) {
    if (staged[i]!.length === 0) continue;
    (node.slots[i]!.link as DownLink).send(staged[i]!);
  }
}
