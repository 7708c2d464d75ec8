/**
 * Prometheus' evaluation rules for the functions we support, ported from promql/functions.go and
 * promql/quantile.go so the embedded store and a real Prometheus give the same numbers.
 */

/**
 * `rate`/`increase` over samples in `(rangeStart, rangeEnd]` with counter resets and Prometheus'
 * extrapolation: extend to the window edges when the first/last sample is within 1.1 × the average
 * sample spacing of the edge, else by half a spacing; never extrapolate below zero for counters.
 * Returns undefined with fewer than two samples (Prometheus returns no series).
 */
export function extrapolatedRate(
  times: readonly number[],
  values: readonly number[],
  rangeStart: number,
  rangeEnd: number,
  isRate: boolean,
): number | undefined {
  const n = times.length;
  if (n < 2) return undefined;
  const first = values[0]!;
  let result = values[n - 1]! - first;
  let prev = first;
  for (let i = 1; i < n; i++) {
    const v = values[i]!;
    if (v < prev) result += prev; // counter reset: the counter restarted from 0
    prev = v;
  }
  const firstT = times[0]!;
  const lastT = times[n - 1]!;
  const sampledInterval = (lastT - firstT) / 1000;
  if (sampledInterval <= 0) return undefined;
  const avgBetween = sampledInterval / (n - 1);
  let durationToStart = (firstT - rangeStart) / 1000;
  const durationToEnd = (rangeEnd - lastT) / 1000;
  if (result > 0 && first >= 0) {
    const durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = avgBetween * 1.1;
  let extrapolateTo = sampledInterval;
  extrapolateTo += durationToStart < threshold ? durationToStart : avgBetween / 2;
  extrapolateTo += durationToEnd < threshold ? durationToEnd : avgBetween / 2;
  result *= extrapolateTo / sampledInterval;
  if (isRate) result /= (rangeEnd - rangeStart) / 1000;
  return result;
}

export interface Bucket {
  upperBound: number;
  count: number;
}

/**
 * φ-quantile of a classic histogram (cumulative buckets), Prometheus' `bucketQuantile`: linear
 * interpolation inside the bucket holding the rank (buckets with equal bounds, such as `le="1"` and
 * `le="1.0"`, count as one); the lowest bucket starts at 0 when its upper
 * bound is positive; a rank in the +Inf bucket returns the highest finite bound. NaN when there is
 * no +Inf bucket, fewer than two buckets or no observations.
 */
export function bucketQuantile(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = coalesce([...input].sort((a, b) => a.upperBound - b.upperBound));
  if (buckets.length < 2) return NaN;
  if (buckets[buckets.length - 1]!.upperBound !== Infinity) return NaN;
  // Scrapes are not atomic across buckets: force cumulative counts to be monotonic.
  let max = -Infinity;
  for (const b of buckets) {
    if (b.count < max) b.count = max;
    max = b.count;
  }
  const total = buckets[buckets.length - 1]!.count;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let i = buckets.findIndex((b) => b.count >= rank);
  if (i < 0) i = buckets.length - 1;
  if (i === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (i === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[i]!.upperBound;
  let count = buckets[i]!.count;
  let r = rank;
  if (i > 0) {
    bucketStart = buckets[i - 1]!.upperBound;
    count -= buckets[i - 1]!.count;
    r -= buckets[i - 1]!.count;
  }
  if (count === 0) return bucketEnd;
  return bucketStart + (bucketEnd - bucketStart) * (r / count);
}

/** Sums the counts of buckets with the same upper bound (input sorted by bound); new objects. */
function coalesce(sorted: readonly Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  for (const b of sorted) {
    const last = out[out.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else out.push({ upperBound: b.upperBound, count: b.count });
  }
  return out;
}
