/**
 * Embedded time-series store: one bounded ring buffer per series (name + sorted labels), typed-array
 * storage, O(1) append. Memory is bounded by `maxSeries × capacity × 12 bytes` and reported exactly
 * by {@link SeriesStore.memoryBytes}. Rings start small and double up to `capacity`, so a run with a
 * few dozen series does not pay for an hour of points up front.
 */

import { InvalidArgumentError } from "../core/errors";
import { seriesKeyOf } from "../core/metric-rollup";

/** A series' identity: metric name plus label set (the `__name__` is kept apart). */
export type Labels = Readonly<Record<string, string>>;

export interface SeriesStoreOptions {
  /** Points kept per series (oldest overwritten first). @default 3600 (1 h at 1 s) */
  capacity?: number;
  /** Most series kept at once. @default 20_000 */
  maxSeries?: number;
  /**
   * What happens when a new series arrives and the store is full: series whose newest point is
   * older than `staleAfterMs` are evicted first; if none is stale the new series is rejected and
   * counted in {@link SeriesStore.rejectedSeries}. Data of existing series is never dropped for it.
   * @default 300_000
   */
  staleAfterMs?: number;
}

/** Bytes per stored point: Float64 value + Uint32 millisecond offset from the store's epoch. */
const BYTES_PER_POINT = 12;
const INITIAL_RING = 16;

/** A read-only view of one series, oldest point first. */
export interface SeriesView {
  name: string;
  labels: Labels;
  /** Number of points held. */
  length: number;
  /** Timestamp (ms since epoch) of point i (0 = oldest). */
  timeAt(i: number): number;
  valueAt(i: number): number;
}

/** Index of the last point of `s` with time ≤ t, or -1 (binary search: points are time-ordered). */
export function lastIndexAtOrBefore(s: SeriesView, t: number): number {
  let lo = 0;
  let hi = s.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s.timeAt(mid) <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

class Ring implements SeriesView {
  times: Uint32Array;
  values: Float64Array;
  /** Index of the oldest point. */
  head = 0;
  length = 0;
  constructor(
    readonly name: string,
    readonly labels: Labels,
    private readonly epoch: number,
    private readonly capacity: number,
  ) {
    const n = Math.min(INITIAL_RING, capacity);
    this.times = new Uint32Array(n);
    this.values = new Float64Array(n);
  }

  get allocated(): number {
    return this.times.length;
  }

  append(t: number, v: number): void {
    const offset = t - this.epoch;
    if (this.length > 0) {
      const last = this.times[(this.head + this.length - 1) % this.times.length]!;
      // Same or older timestamp: Prometheus rejects out-of-order samples; we overwrite the newest
      // for equal times (re-scrape in the same millisecond) and drop older ones.
      if (offset < last) return;
      if (offset === last) {
        this.values[(this.head + this.length - 1) % this.times.length] = v;
        return;
      }
    }
    if (this.length === this.times.length && this.times.length < this.capacity) this.grow();
    const size = this.times.length;
    if (this.length < size) {
      const i = (this.head + this.length) % size;
      this.times[i] = offset;
      this.values[i] = v;
      this.length++;
    } else {
      this.times[this.head] = offset;
      this.values[this.head] = v;
      this.head = (this.head + 1) % size;
    }
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.times.length * 2);
    const times = new Uint32Array(size);
    const values = new Float64Array(size);
    for (let i = 0; i < this.length; i++) {
      const j = (this.head + i) % this.times.length;
      times[i] = this.times[j]!;
      values[i] = this.values[j]!;
    }
    this.times = times;
    this.values = values;
    this.head = 0;
  }

  timeAt(i: number): number {
    return this.epoch + this.times[(this.head + i) % this.times.length]!;
  }

  valueAt(i: number): number {
    return this.values[(this.head + i) % this.times.length]!;
  }

  lastTime(): number {
    return this.length === 0 ? -Infinity : this.timeAt(this.length - 1);
  }
}

/** The canonical key of a series: `name{a="1",b="2"}` with labels sorted by name (the stored rollups' key). */
export const seriesKey: (name: string, labels: Labels) => string = seriesKeyOf;

/** Label matchers: exact string, or `{ re: RegExp }` (anchored, like PromQL `=~`). */
export type LabelMatcher = string | { re: RegExp } | { ne: string };
export type Matchers = Readonly<Record<string, LabelMatcher>>;

/** True when `labels` satisfy every matcher (a missing label counts as ""). */
export function matchLabels(labels: Labels, matchers: Matchers): boolean {
  for (const [k, m] of Object.entries(matchers)) {
    const v = labels[k] ?? "";
    if (typeof m === "string") {
      if (v !== m) return false;
    } else if ("ne" in m) {
      if (v === m.ne) return false;
    } else if (!new RegExp(`^(?:${m.re.source})$`).test(v)) return false;
  }
  return true;
}

/** See the module comment. Not thread-safe; one store per engine/run. */
export class SeriesStore {
  readonly capacity: number;
  readonly maxSeries: number;
  readonly staleAfterMs: number;
  private readonly series = new Map<string, Ring>();
  private readonly byName = new Map<string, Set<Ring>>();
  private epoch: number | undefined;
  private rejected = 0;

  constructor(opts: SeriesStoreOptions = {}) {
    this.capacity = positiveInt(opts.capacity ?? 3600, "capacity");
    this.maxSeries = positiveInt(opts.maxSeries ?? 20_000, "maxSeries");
    this.staleAfterMs = opts.staleAfterMs ?? 300_000;
  }

  /**
   * Appends a point. Returns false when the sample was not stored (store full of live series, or a
   * non-finite timestamp). NaN values are stored: Prometheus exposes NaN and queries skip it.
   */
  append(name: string, labels: Labels, t: number, value: number): boolean {
    return this.appendKeyed(seriesKey(name, labels), name, labels, t, value);
  }

  /** {@link append} with the series key already computed (`seriesKey(name, labels)`), for callers that cache it. */
  appendKeyed(key: string, name: string, labels: Labels, t: number, value: number): boolean {
    if (!Number.isFinite(t)) return false;
    // Offsets are Uint32 milliseconds: ~49 days of range from the first sample.
    this.epoch ??= t - 1;
    if (t < this.epoch || t - this.epoch > 0xffff_ffff) return false;
    let ring = this.series.get(key);
    if (!ring) {
      if (this.series.size >= this.maxSeries && this.evictStale(t) === 0) {
        this.rejected++;
        return false;
      }
      ring = new Ring(name, { ...labels }, this.epoch, this.capacity);
      this.series.set(key, ring);
      let set = this.byName.get(name);
      if (!set) this.byName.set(name, (set = new Set()));
      set.add(ring);
    }
    ring.append(t, value);
    return true;
  }

  /** Series of `name` whose labels satisfy `matchers`. */
  select(name: string, matchers: Matchers = {}): SeriesView[] {
    const set = this.byName.get(name);
    if (!set) return [];
    const out: SeriesView[] = [];
    for (const r of set) if (matchLabels(r.labels, matchers)) out.push(r);
    return out;
  }

  /** Every metric name held. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  get seriesCount(): number {
    return this.series.size;
  }

  /** New series refused because the store was full of live series. */
  get rejectedSeries(): number {
    return this.rejected;
  }

  /** Bytes held by point storage (typed arrays), the part that scales with series × points. */
  memoryBytes(): number {
    let points = 0;
    for (const r of this.series.values()) points += r.allocated;
    return points * BYTES_PER_POINT;
  }

  /** The most memory this store can ever hold in point storage. */
  maxMemoryBytes(): number {
    return this.maxSeries * this.capacity * BYTES_PER_POINT;
  }

  /** Drops series whose newest point is older than `staleAfterMs` before `now`; returns how many. */
  evictStale(now: number): number {
    let n = 0;
    for (const [key, r] of this.series) {
      if (now - r.lastTime() > this.staleAfterMs) {
        this.series.delete(key);
        this.byName.get(r.name)?.delete(r);
        if (this.byName.get(r.name)?.size === 0) this.byName.delete(r.name);
        n++;
      }
    }
    return n;
  }
}

function positiveInt(n: number, field: string): number {
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`SeriesStore.${field}`, `must be a positive integer, got ${n}`);
  return n;
}
