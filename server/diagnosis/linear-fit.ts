/** Least-squares line through samples, for queue-growth trends. */

export interface LinearFit {
  /** Units per second. */
  slopePerSec: number;
  intercept: number;
  /** Coefficient of determination, 0..1 (1 when every sample is on the line). */
  r2: number;
}

/** Fits `depth = a + b·t` to `[ms, value]` samples; undefined with fewer than 3 samples or no time spread. */
export function fitLine(samples: ReadonlyArray<readonly [number, number]>): LinearFit | undefined {
  const n = samples.length;
  if (n < 3) return undefined;
  const t0 = samples[0]![0];
  let sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
  for (const [t, y] of samples) {
    const x = (t - t0) / 1000;
    sx += x; sy += y; sxx += x * x; sxy += x * y; syy += y * y;
  }
  const den = n * sxx - sx * sx;
  if (den === 0) return undefined;
  const slope = (n * sxy - sx * sy) / den;
  const intercept = (sy - slope * sx) / n;
  const ssTot = syy - (sy * sy) / n;
  const ssRes = samples.reduce((acc, [t, y]) => {
    const e = y - (intercept + slope * ((t - t0) / 1000));
    return acc + e * e;
  }, 0);
  const r2 = ssTot === 0 ? (ssRes === 0 ? 1 : 0) : Math.max(0, 1 - ssRes / ssTot);
  return { slopePerSec: slope, intercept, r2 };
}
