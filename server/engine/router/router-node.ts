/** Router-side state of one pipeline component (node) and of its instances. */
import { batchEntryBytes, parsePartitionKey, type PartitionField } from "../../wire/relay-codec";
import type { EdgeQueue } from "./edge-queue";
import type { Link } from "./links/index";
import type { RouterNodeSpec, Wire } from "./protocol";

/** One instance of a node: where it is and its current link. */
export interface InstanceSlot {
  instanceId: string;
  index: number;
  link: Link | undefined;
  endpoint: string | undefined;
  wire: Wire | undefined;
  /** The process is gone: wait for instanceUp instead of reconnecting. */
  processDown: boolean;
  /** The process is gone and will not be restarted. */
  gone: boolean;
  reconnectTimer: NodeJS.Timeout | undefined;
  reconnectAttempts: number;
  /** eventsIn + eventsOut of the link when its last stream failed (progress resets the attempts). */
  progressAtLastFailure: number;
}

/** One pipeline component in the router: its edges, instance slots and counters. */
export class NodeRt {
  readonly inEdges: EdgeQueue[] = [];
  readonly outEdges: EdgeQueue[] = [];
  readonly upstream: NodeRt[] = [];
  readonly downstream: NodeRt[] = [];
  readonly slots: InstanceSlot[];
  readonly partition: PartitionField | undefined;
  /** Events taken back from crashed instances, delivered before anything queued. */
  retry: Buffer[] = [];
  /** Events that were in flight at a crash and not acknowledged since (lost if never). */
  readonly crashed = new Set<Buffer>();
  rr = 0;
  edgeRr = 0;
  ended = false;
  closing = false;
  lingerTimer: NodeJS.Timeout | undefined;
  lingerExpired = false;
  // -Infinity, not 0: the worker's clock starts near 0, and a stage that blocks in its first second
  // (then never emits again) must still get its debug line.
  lastDebugAt = Number.NEGATIVE_INFINITY;
  lastBlockedLogAt = Number.NEGATIVE_INFINITY;
  stats = { eventsIn: 0, eventsOut: 0, bytesIn: 0, bytesOut: 0, errors: 0, filtered: 0, lost: 0, redelivered: 0, rejected: 0, streamErrors: 0, protocolErrors: 0 };
  /** The downstream node of each out-edge (same order as outEdges). */
  readonly outTargets: NodeRt[] = [];
  /** Sink event-type filter; undefined = accept every event. */
  accept: Set<string> | undefined;
  /** The in-edge each taken event came from, when there are several (fan-in); see {@link originOf}. */
  private origins: WeakMap<Buffer, EdgeQueue> | undefined;
  /**
   * Per per-event processor link: the in-edges of the events written to it and not answered yet,
   * oldest first (that wire has no acknowledgements; one answer per input is assumed).
   */
  readonly unanswered = new Map<Link, EdgeQueue[]>();

  constructor(readonly spec: RouterNodeSpec) {
    this.slots = spec.instances.map((instanceId, index) => ({
      instanceId,
      index,
      link: undefined,
      endpoint: undefined,
      wire: undefined,
      processDown: false,
      gone: false,
      reconnectTimer: undefined,
      reconnectAttempts: 0,
      progressAtLastFailure: 0,
    }));
    this.partition = spec.partitionKey && spec.instances.length > 1 ? parsePartitionKey(spec.partitionKey) : undefined;
    if (spec.role === "sink" && spec.acceptTypes && spec.acceptTypes.length > 0) this.accept = new Set(spec.acceptTypes);
  }

  get id(): string {
    return this.spec.id;
  }

  /** The in-edge `ev` was taken from (for the per-edge account). */
  originOf(ev: Buffer): EdgeQueue {
    if (this.inEdges.length === 1) return this.inEdges[0]!;
    return this.origins?.get(ev) ?? this.inEdges[0]!;
  }

  /** Adds `kind` for each event to its in-edge's account. */
  count(kind: "delivered" | "lost" | "abandoned", events: readonly Buffer[]): void {
    if (this.inEdges.length === 1) {
      this.inEdges[0]!.account[kind] += events.length;
      return;
    }
    for (const ev of events) this.originOf(ev).account[kind]++;
  }

  queued(): number {
    let n = this.retry.length;
    for (const q of this.inEdges) n += q.depth;
    return n;
  }

  /** The event `take(1)` would return, without removing it. */
  peekNext(): Buffer | undefined {
    if (this.retry.length > 0) return this.retry[0];
    const m = this.inEdges.length;
    for (let k = 0; k < m; k++) {
      const q = this.inEdges[(this.edgeRr + k) % m]!;
      if (q.depth > 0) return q.peek();
    }
    return undefined;
  }

  /**
   * Takes up to `count` events and at most `maxBytes` of batch framing (the first event is always
   * taken, so one oversized event still moves alone): retried ones first, then fairly across
   * input edges. `unblocked(fromId)` is called for every edge that events were taken from.
   */
  take(count: number, unblocked: (fromId: string) => void, maxBytes = Infinity): Buffer[] {
    const out: Buffer[] = [];
    let bytes = 0;
    const fits = (ev: Buffer): boolean => {
      const add = batchEntryBytes(ev.length);
      if (out.length > 0 && bytes + add > maxBytes) return false;
      bytes += add;
      return true;
    };
    let retryTaken = 0;
    while (retryTaken < this.retry.length && out.length < count && fits(this.retry[retryTaken]!)) out.push(this.retry[retryTaken++]!);
    if (retryTaken > 0) this.retry = this.retry.slice(retryTaken);
    if (this.retry.length > 0) return out;
    const m = this.inEdges.length;
    let idle = 0;
    let full = false;
    while (!full && out.length < count && idle < m) {
      const q = this.inEdges[this.edgeRr % m]!;
      this.edgeRr = (this.edgeRr + 1) % m;
      if (q.depth === 0) {
        idle++;
        continue;
      }
      idle = 0;
      const wasFull = q.full;
      let taken = 0;
      // Chunks per edge keep the loop cheap; rotating the start keeps fan-in fair.
      const chunk = Math.min(count - out.length, q.depth, Math.max(1, Math.ceil(count / m)));
      for (let i = 0; i < chunk; i++) {
        if (!fits(q.peek()!)) {
          full = true;
          break;
        }
        const ev = q.shift()!;
        // With several in-edges, remember where each event came from (retries keep it).
        if (m > 1) (this.origins ??= new WeakMap()).set(ev, q);
        out.push(ev);
        taken++;
      }
      // Any room made may let the producer have more credits (capacity-aware grants), not only
      // the full → not-full transition.
      if (taken > 0 || (wasFull && !q.full)) unblocked(q.from);
    }
    return out;
  }
}
