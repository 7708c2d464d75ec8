/** Parsing of the units users write in YAML and flags: durations, CPU and memory quantities. */

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `500ms`, `30s`, `2m`, `1.5h`, `1d`, or a compound `1m30s`, into milliseconds.
 * A bare number is taken as seconds (flowctl's `--interval 5`). Returns undefined when invalid.
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text * 1000 : undefined;
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  let total = 0;
  let rest = s;
  if (rest.length === 0) return undefined;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * DURATION_MS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** Like {@link parseDuration} but throws a message naming what was wrong. */
export function requireDuration(text: string | number, what: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`${what}: invalid duration ${JSON.stringify(text)} (use e.g. 500ms, 30s, 2m, 1h)`);
  return ms;
}

/** Formats milliseconds the way flowctl prints durations: `45s`, `3m 12s`, `2h 5m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export const CPU_QUANTITY_RE = /^(\d+(\.\d+)?)(m)?$/;
export const MEMORY_QUANTITY_RE = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
export { DURATION_RE };

/** CPU quantity (`100m`, `0.5`, `2`) in millicores, or undefined when invalid. */
export function parseCpu(q: string | number): number | undefined {
  const m = CPU_QUANTITY_RE.exec(String(q).trim());
  if (!m) return undefined;
  return m[3] ? Number(m[1]) : Number(m[1]) * 1000;
}

const MEM_FACTORS: Record<string, number> = {
  "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

/** Memory quantity (`512Mi`, `1G`, `1048576`) in bytes, or undefined when invalid. */
export function parseMemory(q: string | number): number | undefined {
  const m = MEMORY_QUANTITY_RE.exec(String(q).trim());
  if (!m) return undefined;
  return Number(m[1]) * MEM_FACTORS[m[3] ?? ""]!;
}
