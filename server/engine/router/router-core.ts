/**
 * The data plane: per-edge bounded queues between nodes, dispatch to instances under credits,
 * fan-out/fan-in/replicas/partitioning, completion and reconnect. Runs inside the router worker
 * (router-worker.ts) but has no worker dependency, so it is the same code in tests. Dispatch
 * itself (shared/partitioned batching) is in router-dispatch.ts, the producers' back-pressure checks
 * in router-backpressure.ts, the stats message in router-stats.ts.
 */
import { MAX_EVENT_BYTES, readEventKey, type PartitionField } from "../../wire/relay-codec";
import { EdgeQueue } from "./edge-queue";
import {
  BatchDownLink,
  BatchSourceLink,
  DownLink,
  EventDownLink,
  EventSinkLink,
  EventSourceLink,
  SourceLink,
  type Link,
  type LinkHost,
} from "./links/index";
import type { HostToRouter, RouterInit, RouterToHost, Wire } from "./protocol";
import { isOutputBlocked, isProducerWaiting, mayNodeProduce, outputRoom } from "./router-backpressure";
import { dispatchQueued, type DispatchHost } from "./router-dispatch";
import { NodeRt, type InstanceSlot } from "./router-node";
import { buildStats } from "./router-stats";
import type { HopTracer } from "../../wire/hop-trace";

const TYPE_FIELD: PartitionField = { kind: "type" };
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;
/** Consecutive failed streams (no event moved in between) to a live instance before the run fails. */
const MAX_FAILED_STREAMS = 25;
/**
 * Unanswered inputs tracked per per-event processor link. A processor that has this many more
 * inputs than outputs filters; its oldest unanswered inputs then count as delivered, so the
 * tracking stays bounded (a non-filtering processor never gets near: its window is 512).
 */
const MAX_UNANSWERED_TRACKED = 65_536;
/** At most one debug line per node per interval (flowctl's documented per-batch lines, rate-limited). */
const DEBUG_LINE_INTERVAL_MS = 1_000;

/** The router state machine; `post` sends messages to the engine. */
export class RouterCore implements LinkHost {
  private readonly nodes = new Map<string, NodeRt>();
  private readonly bySlot = new Map<string, { node: NodeRt; slot: InstanceSlot }>();
  private readonly linkNode = new Map<Link, NodeRt>();
  private started = false;
  private draining = false;
  private completed = false;
  private activeStreams = 0;
  private statsTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly init: RouterInit,
    private readonly post: (msg: RouterToHost) => void,
    readonly trace?: HopTracer,
  ) {
    for (const spec of init.nodes) this.nodes.set(spec.id, new NodeRt(spec));
    for (const { from, to } of init.edges) {
      const a = this.nodes.get(from);
      const b = this.nodes.get(to);
      if (!a || !b) throw new Error(`router: edge ${from} → ${to} names an unknown node`);
      const q = new EdgeQueue(from, to, b.spec.capacity, b.spec.policy, b.spec.maxBytes ?? Number.POSITIVE_INFINITY);
      a.outEdges.push(q);
      a.outTargets.push(b);
      b.inEdges.push(q);
      a.downstream.push(b);
      b.upstream.push(a);
    }
    for (const node of this.nodes.values()) for (const slot of node.slots) this.bySlot.set(slot.instanceId, { node, slot });
    this.statsTimer = setInterval(() => this.post(this.stats(false)), init.statsIntervalMs);
    this.statsTimer.unref?.();
  }

  handle(msg: HostToRouter): void {
    switch (msg.type) {
      case "init":
        return;
      case "instanceUp":
        return this.instanceUp(msg.instanceId, msg.endpoint, msg.wire, msg.inputEventTypes, msg.credential);
      case "instanceDown":
        return this.instanceDown(msg.instanceId, msg.permanent);
      case "start":
        return this.start();
      case "drain":
        return this.drain();
      case "abort":
        return this.abort();
    }
  }

  // ---- host messages -------------------------------------------------------------------------

  private instanceUp(instanceId: string, endpoint: string, wire: Wire, inputEventTypes: string[], credential: string | undefined): void {
    const entry = this.bySlot.get(instanceId);
    if (!entry) return;
    const { node, slot } = entry;
    // flowctl filters a sink by the types it registered with when the YAML names none.
    if (node.spec.role === "sink" && !node.accept && inputEventTypes.length > 0) node.accept = new Set(inputEventTypes);
    slot.endpoint = endpoint;
    slot.processDown = false;
    slot.gone = false;
    slot.reconnectAttempts = 0;
    clearTimeout(slot.reconnectTimer);
    if (slot.link && (slot.link.state === "up" || slot.link.state === "closing")) slot.link.reset("instance restarted");
    if (!slot.link || slot.wire !== wire) {
      slot.link = this.createLink(node, slot, endpoint, wire);
      this.linkNode.set(slot.link, node);
    }
    slot.link.credential = credential;
    slot.link.newProcess();
    slot.wire = wire;
    if (node.ended || node.closing || this.completed) return;
    if (node.spec.role === "source" && (!this.started || this.draining)) return;
    this.connect(node, slot);
  }

  private instanceDown(instanceId: string, permanent: boolean): void {
    const entry = this.bySlot.get(instanceId);
    if (!entry) return;
    const { node, slot } = entry;
    slot.processDown = true;
    clearTimeout(slot.reconnectTimer);
    if (slot.link && (slot.link.state === "up" || slot.link.state === "closing")) slot.link.reset("instance exited");
    // A source instance that is gone for good produces nothing more: it counts as ended, so the
    // run can still complete instead of waiting for it forever.
    if (permanent && node.spec.role === "source") {
      slot.gone = true;
      if (this.sourceEnded(node)) this.endNode(node);
    }
  }

  private sourceEnded(node: NodeRt): boolean {
    return node.slots.every((s) => s.gone || s.link?.state === "closed");
  }

  private start(): void {
    this.started = true;
    for (const node of this.nodes.values()) {
      if (node.spec.role !== "source") continue;
      for (const slot of node.slots) if (slot.link && slot.endpoint && !slot.processDown) this.connect(node, slot);
    }
    this.post({ type: "ready" });
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    for (const node of this.nodes.values()) {
      if (node.spec.role !== "source" || node.ended) continue;
      for (const slot of node.slots) {
        clearTimeout(slot.reconnectTimer);
        slot.link?.cancel();
      }
      this.endNode(node);
    }
  }

  private abort(): void {
    this.draining = true;
    if (!this.completed) this.countAbandoned();
    for (const node of this.nodes.values()) {
      clearTimeout(node.lingerTimer);
      for (const slot of node.slots) {
        clearTimeout(slot.reconnectTimer);
        slot.link?.cancel();
      }
    }
    this.finishRun(false);
  }

  // ---- links ---------------------------------------------------------------------------------

  private createLink(node: NodeRt, slot: InstanceSlot, endpoint: string, wire: Wire): Link {
    const role = node.spec.role;
    if (role === "source") {
      const params = node.spec.params ?? {};
      return wire === "batch"
        ? new BatchSourceLink(node.id, slot.instanceId, endpoint, this, params, node.spec.producerBatch ?? node.spec.batchSize)
        : new EventSourceLink(node.id, slot.instanceId, endpoint, this, params);
    }
    if (wire === "batch") return new BatchDownLink(node.id, slot.instanceId, endpoint, this, role, node.spec.batchSize);
    return role === "sink" ? new EventSinkLink(node.id, slot.instanceId, endpoint, this) : new EventDownLink(node.id, slot.instanceId, endpoint, this);
  }

  private connect(node: NodeRt, slot: InstanceSlot): void {
    if (!slot.link || !slot.endpoint) return;
    slot.link.connect(slot.endpoint);
    if (node.spec.role !== "source") this.dispatch(node);
  }

  private scheduleReconnect(node: NodeRt, slot: InstanceSlot): void {
    if (slot.processDown || this.completed || node.ended || node.closing || (node.spec.role === "source" && this.draining)) return;
    clearTimeout(slot.reconnectTimer);
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** slot.reconnectAttempts++);
    slot.reconnectTimer = setTimeout(() => this.connect(node, slot), delay);
  }

  // ---- LinkHost --------------------------------------------------------------------------------

  output(link: Link, produced: Buffer[]): void {
    const node = this.linkNode.get(link)!;
    let events = produced;
    let bytes = 0;
    let oversized = false;
    for (let i = 0; i < events.length; i++) {
      const len = events[i]!.length;
      bytes += len;
      if (len > MAX_EVENT_BYTES) oversized = true;
    }
    if (oversized) {
      const before = events.length;
      events = this.rejectOversized(link, node, events);
      for (const q of node.outEdges) q.account.rejected += before - events.length;
      bytes = 0;
      for (const ev of events) bytes += ev.length;
    }
    // A per-event processor's outputs answer its oldest unanswered inputs (one output per input).
    if (link instanceof EventDownLink) this.settleUnanswered(node, link, produced.length, "delivered");
    node.stats.eventsOut += events.length;
    node.stats.bytesOut += bytes;
    for (let e = 0; e < node.outEdges.length; e++) {
      const q = node.outEdges[e]!;
      const accept = node.outTargets[e]!.accept;
      if (!accept) {
        for (let i = 0; i < events.length; i++) q.push(events[i]!);
        continue;
      }
      // Only the type header is read (the payload is skipped), and only for filtered sinks.
      for (let i = 0; i < events.length; i++) {
        const ev = events[i]!;
        if (accept.has(readEventKey(ev, TYPE_FIELD).toString("utf8"))) q.push(ev);
        else {
          node.outTargets[e]!.stats.filtered++;
          q.account.filtered++;
        }
      }
    }
    for (const d of node.downstream) this.dispatch(d);
    this.debugWaiting(node);
  }

  /** flowctl's documented "waiting for downstream" debug line, once per interval while the node is held back. */
  private debugWaiting(node: NodeRt): void {
    if (!this.init.debug || !isProducerWaiting(node)) return;
    const now = performance.now();
    if (now - node.lastBlockedLogAt <= DEBUG_LINE_INTERVAL_MS) return;
    node.lastBlockedLogAt = now;
    const on = node.outEdges.filter((q) => q.blocking).map((q) => `${q.to} ${q.depth}/${q.capacity}`);
    this.post({ type: "log", level: "debug", msg: `${node.id}: waiting for downstream`, fields: { queues: on.join(",") } });
  }

  /**
   * An event that cannot fit in one gRPC message can never be delivered downstream: it is taken
   * out, counted (`rejected`, `errors`) and reported with its size — never dropped silently.
   */
  private rejectOversized(link: Link, node: NodeRt, events: Buffer[]): Buffer[] {
    const kept: Buffer[] = [];
    for (const ev of events) {
      if (ev.length <= MAX_EVENT_BYTES) {
        kept.push(ev);
        continue;
      }
      node.stats.rejected++;
      node.stats.errors++;
      this.post({
        type: "rejected",
        instanceId: link.instanceId,
        bytes: ev.length,
        reason: `${link.instanceId} produced an event of ${ev.length} bytes, larger than the ${MAX_EVENT_BYTES}-byte limit of one data-plane message; rejected (not delivered)`,
      });
    }
    return kept;
  }

  delivered(link: Link, events: readonly Buffer[], bytes: number, failed: number, tookMs: number): void {
    const node = this.linkNode.get(link)!;
    // The per-edge account counts acknowledgements: batches now; per-event sinks at their Consume
    // response (confirmed); per-event processors when answered (remember the written ones' edges).
    if (link instanceof BatchDownLink) node.count("delivered", events);
    else if (link instanceof EventDownLink && events.length > 0) {
      let fifo = node.unanswered.get(link);
      if (!fifo) node.unanswered.set(link, (fifo = []));
      for (const ev of events) fifo.push(node.originOf(ev));
      // Far more inputs than answers: the processor filters; the oldest are taken as answered.
      if (fifo.length > MAX_UNANSWERED_TRACKED) this.settleUnanswered(node, link, fifo.length - MAX_UNANSWERED_TRACKED, "delivered");
    }
    node.stats.eventsIn += events.length;
    node.stats.bytesIn += bytes;
    node.stats.errors += failed;
    if (node.crashed.size > 0) {
      for (const ev of events) if (node.crashed.delete(ev)) node.stats.redelivered++;
    }
    if (this.init.debug && tookMs > 0) {
      const now = performance.now();
      if (now - node.lastDebugAt > DEBUG_LINE_INTERVAL_MS) {
        node.lastDebugAt = now;
        this.post({ type: "log", level: "debug", msg: `${link.instanceId}: processing took ${tookMs.toFixed(1)}ms`, fields: { events: events.length } });
      }
    }
  }

  confirmed(link: Link, events: readonly Buffer[]): void {
    this.linkNode.get(link)!.count("delivered", events);
  }

  /** Settles the `count` oldest (all, without a count) unanswered inputs of a per-event processor link. */
  private settleUnanswered(node: NodeRt, link: Link, count: number | undefined, kind: "delivered" | "lost" | "abandoned"): number {
    const fifo = node.unanswered.get(link);
    if (!fifo || fifo.length === 0) return 0;
    const settled = fifo.splice(0, count === undefined ? fifo.length : Math.min(count, fifo.length));
    for (const q of settled) q.account[kind]++;
    return settled.length;
  }

  idle(link: Link): void {
    const node = this.linkNode.get(link)!;
    this.dispatch(node);
  }

  down(link: Link, retry: Buffer[], lost: number, reason: string, protocol: boolean): void {
    const node = this.linkNode.get(link)!;
    const slot = node.slots.find((s) => s.link === link)!;
    for (const ev of retry) {
      node.retry.push(ev);
      node.crashed.add(ev);
    }
    // A per-event processor's written-but-unanswered inputs cannot be sent again: lost.
    node.stats.lost += lost + this.settleUnanswered(node, link, undefined, "lost");
    node.stats.streamErrors++;
    if (protocol) node.stats.protocolErrors++;
    const progress = link.eventsIn + link.eventsOut;
    if (progress !== slot.progressAtLastFailure) slot.reconnectAttempts = 0;
    slot.progressAtLastFailure = progress;
    if (/UNIMPLEMENTED/.test(reason)) {
      this.post({ type: "fatal", reason: `${link.instanceId} does not serve the ${link.wire === "batch" ? "batched" : "per-event"} ${node.spec.role} service it registered for (${reason})` });
      return;
    }
    if (!slot.processDown && slot.reconnectAttempts >= MAX_FAILED_STREAMS) {
      this.post({ type: "fatal", reason: `${link.instanceId}: ${MAX_FAILED_STREAMS} data streams in a row failed while its process runs (last: ${reason})` });
      return;
    }
    // Every failed stream is reported (logged, a RunEvent, counted): a stream that keeps failing
    // with nothing in flight (e.g. a peer refusing oversized messages) must not look like silence.
    this.post({ type: "linkDown", instanceId: link.instanceId, inflight: retry.length + lost, reason, attempt: slot.reconnectAttempts + 1, protocol });
    // A crash while closing with work in flight re-opens the node so the work is delivered again.
    if (node.closing && retry.length > 0) node.closing = false;
    if (node.closing) {
      this.checkClosed(node);
      return;
    }
    this.scheduleReconnect(node, slot);
    if (!node.ended) this.dispatch(node);
  }

  ended(link: Link): void {
    const node = this.linkNode.get(link)!;
    // A per-event processor that ended its stream cleanly has consumed everything it was sent.
    this.settleUnanswered(node, link, undefined, "delivered");
    if (node.spec.role === "source") {
      if (this.sourceEnded(node)) this.endNode(node);
      return;
    }
    this.checkClosed(node);
  }

  outputBlocked(nodeId: string): boolean {
    return isOutputBlocked(this.nodes.get(nodeId)!);
  }

  mayProduce(nodeId: string, events: number, bytes = 0): boolean {
    const node = this.nodes.get(nodeId)!;
    const ok = mayNodeProduce(node, events, bytes);
    if (!ok) this.debugWaiting(node);
    return ok;
  }

  outputRoomEvents(nodeId: string): number {
    const room = outputRoom(this.nodes.get(nodeId)!);
    return room.events === Infinity ? Infinity : Math.max(0, room.events - room.reservedEvents);
  }

  streamsDelta(delta: number): void {
    this.activeStreams += delta;
  }

  // ---- dispatch ------------------------------------------------------------------------------

  /** Moves queued events to instances with free credits (router-dispatch.ts), then checks for drain. */
  private dispatch(node: NodeRt): void {
    if (node.spec.role === "source" || node.closing || node.ended) return;
    dispatchQueued(node, this.dispatchHost);
    this.checkDrained(node);
  }

  private readonly dispatchHost: DispatchHost = {
    unblocked: (fromId: string): void => this.resumeProducer(this.nodes.get(fromId)!),
    dispatch: (node: NodeRt): void => this.dispatch(node),
  };

  private resumeProducer(node: NodeRt): void {
    if (this.outputBlocked(node.id)) return;
    for (const slot of node.slots) {
      const link = slot.link;
      if (link instanceof SourceLink || link instanceof DownLink) link.resume();
    }
  }

  // ---- completion ----------------------------------------------------------------------------

  private endNode(node: NodeRt): void {
    if (node.ended) return;
    node.ended = true;
    clearTimeout(node.lingerTimer);
    // An ended producer waits on nothing: its edges stop counting blocked time.
    for (const q of node.outEdges) q.setProducerWaiting(false);
    this.post({ type: "nodeEnded", id: node.id });
    for (const d of node.downstream) this.dispatch(d);
    this.checkAllEnded();
  }

  /** A node whose inputs all ended and whose queues and instances are empty closes its streams. */
  private checkDrained(node: NodeRt): void {
    if (node.closing || node.ended || node.spec.role === "source") return;
    if (!node.upstream.every((u) => u.ended) || node.queued() > 0) return;
    for (const slot of node.slots) {
      const link = slot.link;
      if (link instanceof DownLink && link.inflight > 0) return;
    }
    node.closing = true;
    for (const slot of node.slots) {
      clearTimeout(slot.reconnectTimer);
      if (slot.link instanceof DownLink) slot.link.close();
    }
    this.checkClosed(node);
  }

  private checkClosed(node: NodeRt): void {
    if (!node.closing || node.ended) return;
    if (node.slots.every((s) => !s.link || s.link.state === "closed" || s.link.state === "down" || s.link.state === "idle")) {
      this.endNode(node);
    }
  }

  private checkAllEnded(): void {
    for (const node of this.nodes.values()) if (!node.ended) return;
    this.finishRun(true);
  }

  /**
   * The run ends without draining: whatever is still queued, waiting for redelivery or in flight
   * to an instance is abandoned — counted on the edge it came from, so every event is accounted.
   */
  private countAbandoned(): void {
    for (const node of this.nodes.values()) {
      for (const q of node.inEdges) q.account.abandoned += q.depth;
      node.count("abandoned", node.retry);
      for (const slot of node.slots) {
        const link = slot.link;
        if (!(link instanceof DownLink)) continue;
        node.count("abandoned", link.undelivered());
        this.settleUnanswered(node, link, undefined, "abandoned");
      }
    }
  }

  private finishRun(drained: boolean): void {
    if (this.completed) return;
    this.completed = true;
    clearInterval(this.statsTimer);
    for (const node of this.nodes.values()) {
      // Events awaiting redelivery are queued or in flight: counted abandoned above if the run ended early.
      node.crashed.clear();
      clearTimeout(node.lingerTimer);
      for (const slot of node.slots) clearTimeout(slot.reconnectTimer);
    }
    this.trace?.flush();
    this.post(this.stats(true));
    this.post({ type: "completed", drained });
  }

  stats(final: boolean): RouterToHost {
    return buildStats(this.nodes.values(), this.activeStreams, final);
  }

  /** Stops timers and streams (worker shutdown). */
  dispose(): void {
    clearInterval(this.statsTimer);
    for (const node of this.nodes.values()) {
      clearTimeout(node.lingerTimer);
      for (const slot of node.slots) {
        clearTimeout(slot.reconnectTimer);
        slot.link?.cancel();
      }
    }
  }
}
