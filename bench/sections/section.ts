/** What a bench section gets and gives back. */

/** Shared settings of one `npm run bench` invocation. */
export interface BenchContext {
  quick: boolean;
  /** Progress lines on stderr. */
  log(msg: string): void;
  /** Directory for the pictures (docs/bench/). */
  pictureDir: string;
  /** Commits to compare with the checkout (`--revs a,b`; the components section). */
  revs?: string[];
}

/** A section's contribution: lines of the printed table and keys merged into latest.json. */
export interface SectionResult {
  lines: string[];
  json: Record<string, unknown>;
  /** Extra detail for the run log (per-hop tables, …), printed after the lines. */
  detail?: string[];
}
