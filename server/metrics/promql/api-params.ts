/**
 * Request parameters of the Prometheus HTTP API, parsed with zod into milliseconds exactly as
 * Prometheus parses them: timestamps as RFC 3339 or unix seconds (rounded to the millisecond),
 * durations as seconds or `1h30m`-style strings. A bad value becomes Prometheus's
 * `invalid parameter "<name>": …` bad_data error.
 */
import { z } from "zod";
import { PromQLError } from "./errors";
import { LiteralError, parseDuration } from "./literals";

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;
/** Prometheus's spellings of its smallest and largest timestamps (sent by some clients). */
const MIN_TIME = "-292273086-05-16T16:47:06Z";
const MAX_TIME = "292277025-08-18T07:12:54.999999999Z";

/** Unix seconds (float) or RFC 3339 → ms; undefined when unparsable. */
export function parsePromTime(s: string): number | undefined {
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) {
    const t = Number(s);
    const whole = Math.trunc(t);
    // Go: math.Modf, round the fraction to ms (half away from zero), then truncate ns to ms.
    const frac = t - whole;
    const fracMs = (Math.sign(frac) * Math.round(Math.abs(frac) * 1000)) / 1000;
    return whole * 1000 + Math.floor(Math.trunc(fracMs * 1e9) / 1e6);
  }
  if (s === MIN_TIME) return Number.MIN_SAFE_INTEGER;
  if (s === MAX_TIME) return Number.MAX_SAFE_INTEGER;
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return undefined;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), Number((frac ?? "").padEnd(3, "0").slice(0, 3)));
  if (new Date(ms).getUTCDate() !== Number(d)) return undefined;
  const offsetMin = zone === "Z" ? 0 : (zone![0] === "-" ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4, 6)));
  return ms - offsetMin * 60_000;
}

/** Seconds (float) or a Prometheus duration (`15s`, `1h30m`) → ms; undefined when unparsable. */
export function parsePromDuration(s: string): number | undefined {
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) {
    const ms = Number(s) * 1000;
    return Number.isFinite(ms) ? Math.trunc(ms) : undefined;
  }
  try {
    return s === "" ? undefined : parseDuration(s);
  } catch (err) {
    if (err instanceof LiteralError) return undefined;
    throw err;
  }
}

/** A timestamp parameter; `prefixed` adds the `Invalid time value for '<name>': ` Prometheus puts on optional ones. */
function timeParam(name: string, prefixed: boolean) {
  return z.string().transform((s, ctx) => {
    const t = parsePromTime(s);
    if (t === undefined) {
      ctx.addIssue({ code: "custom", message: `${prefixed ? `Invalid time value for '${name}': ` : ""}cannot parse ${JSON.stringify(s)} to a valid timestamp` });
      return z.NEVER;
    }
    return t;
  });
}

const durationParam = z.string().transform((s, ctx) => {
  const d = parsePromDuration(s);
  if (d === undefined) {
    ctx.addIssue({ code: "custom", message: `cannot parse ${JSON.stringify(s)} to a valid duration` });
    return z.NEVER;
  }
  return d;
});

/** `/api/v1/query` */
export const instantQueryParamsSchema = z.object({
  query: z.string().default(""),
  time: timeParam("time", true).optional(),
  timeout: durationParam.optional(),
});

/** `/api/v1/query_range` (start, end and step are required: a missing one is parsed as ""). */
export const rangeQueryParamsSchema = z.object({
  query: z.string().default(""),
  start: timeParam("start", false),
  end: timeParam("end", false),
  step: durationParam.refine((ms) => ms > 0, { message: "zero or negative query resolution step widths are not accepted. Try a positive integer" }),
  timeout: durationParam.optional(),
});

/** `/api/v1/series`, `/api/v1/labels`, `/api/v1/label/<name>/values` */
export const metadataParamsSchema = z.object({
  "match[]": z.array(z.string()).default([]),
  start: timeParam("start", true).optional(),
  end: timeParam("end", true).optional(),
});

/**
 * Reads `params` into `schema` the way Go's `r.FormValue` does (first value of each name; `match[]`
 * keeps all; an empty value counts as absent for optional parameters, "" for required ones).
 */
export function parseParams<S extends z.ZodType>(schema: S, params: URLSearchParams, required: readonly string[] = []): z.output<S> {
  const raw: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    if (name === "match[]") raw[name] = params.getAll(name);
    else if (params.get(name) !== "") raw[name] = params.get(name)!;
  }
  for (const name of required) raw[name] ??= "";
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new PromQLError("bad_data", `invalid parameter ${JSON.stringify(String(issue.path[0]))}: ${issue.message}`);
}
