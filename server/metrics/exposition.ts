/**
 * Prometheus text exposition → flat samples (`name`, labels, value), parsed with the maintained
 * `parse-prometheus-text-format` (a port of the Python client's parser), never a hand-rolled regex.
 * Histograms come out as `_bucket{le}`, `_sum`, `_count`; summaries as `{quantile}`, `_sum`, `_count`:
 * the series names Prometheus itself stores.
 */
import parsePrometheusTextFormat, { type PromFamily } from "parse-prometheus-text-format";
import type { Labels } from "./series-store";

export interface ExpositionSample {
  name: string;
  labels: Labels;
  value: number;
}

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Parses a sample value as Prometheus does (`NaN`, `+Inf`, `-Inf` included); throws on garbage. */
export function parseSampleValue(s: string, name = "sample"): number {
  // Go's ParseFloat (Prometheus) is case-insensitive here, and prom-client writes NaN as "Nan".
  const lower = s.toLowerCase();
  if (lower === "+inf" || lower === "inf") return Infinity;
  if (lower === "-inf") return -Infinity;
  if (lower === "nan") return NaN;
  const v = s.trim() === "" ? NaN : Number(s);
  // The library accepts any token as a value; Prometheus does not.
  if (Number.isNaN(v)) throw new Error(`invalid exposition: ${name} has non-numeric value ${JSON.stringify(s)}`);
  return v;
}

/**
 * The library flattens every label set of a histogram/summary family into one entry and drops
 * labels and `_sum`/`_count` (its `flattenMetrics`); without their `# TYPE` line it returns each
 * `_bucket`/`_sum`/`_count`/quantile line as a plain sample with all labels, which is exactly the
 * series form we store. Its last-line handling also needs a trailing newline.
 */
function prepareForParser(text: string): string {
  const lines = text.split("\n").filter((l) => !/^#\s+TYPE\s+\S+\s+(histogram|summary)\s*$/i.test(l.trim()));
  return lines.join("\n") + "\n";
}

/** Parses exposition text; throws naming the metric when the text is malformed. */
export function parseExposition(text: string): ExpositionSample[] {
  const families: PromFamily[] = parsePrometheusTextFormat(prepareForParser(text));
  const out: ExpositionSample[] = [];
  for (const f of families) {
    if (f.metrics.length === 0) continue;
    if (!METRIC_NAME_RE.test(f.name)) throw new Error(`invalid exposition: bad metric name ${JSON.stringify(f.name)}`);
    for (const m of f.metrics) {
      if (!("value" in m)) throw new Error(`invalid exposition: ${f.name} is not a plain sample`);
      const labels = { ...m.labels };
      for (const k of Object.keys(labels)) if (!LABEL_NAME_RE.test(k)) throw new Error(`invalid exposition: ${f.name} has bad label name ${JSON.stringify(k)}`);
      if (m.timestamp_ms !== undefined && !/^-?\d+$/.test(m.timestamp_ms)) {
        throw new Error(`invalid exposition: ${f.name} has bad timestamp ${JSON.stringify(m.timestamp_ms)}`);
      }
      if (f.name.endsWith("_bucket") && labels.le !== undefined) labels.le = normalizeLe(labels.le);
      out.push({ name: f.name, labels, value: parseSampleValue(m.value, f.name) });
    }
  }
  return out;
}

/** `1.0` and `1` must be the same bucket across scrapes and backends: canonical float text. */
function normalizeLe(le: string): string {
  if (le === "+Inf" || le === "Inf") return "+Inf";
  const n = Number(le);
  return Number.isNaN(n) ? le : String(n);
}
