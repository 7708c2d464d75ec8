/**
 * What `/api/v1/series`, `/api/v1/labels` and `/api/v1/label/<name>/values` answer: the series
 * (label sets) that have at least one sample in `[start, end]` and match any of the `match[]`
 * selectors (every series when there is none), their label names, or one label's values.
 */
import type { Labels } from "../series-store";
import type { VectorSelectorNode } from "./ast";
import { PromQLParseError } from "./errors";
import { describeToken, lex } from "./lex";
import { parsePromQL } from "./parse-promql";
import { lastIndexAtOrBefore, selectSeries, type SeriesSource } from "./series-source";
import { compareLabels, labelsKey } from "./values";

/** A time range in ms; either end may be infinite. */
export interface TimeBounds {
  start: number;
  end: number;
}

/**
 * Parses one `match[]` value: a series selector (`up{job="x"}`) and nothing else. Throws
 * {@link PromQLParseError} pointing at what follows the selector, as Prometheus does.
 */
export function parseSeriesSelector(text: string): VectorSelectorNode {
  const e = parsePromQL(text);
  if (e.type === "vectorSelector" && e.offsetMs === 0) return e;
  const { tokens } = lex(text);
  // The selector is `name`, `name{…}` or `{…}`; the token after it is the unexpected one.
  let i = tokens[0]?.kind === "ident" ? 1 : 0;
  if (tokens[i]?.text === "{") {
    while (i < tokens.length && tokens[i]!.text !== "}") i++;
    i++;
  }
  throw new PromQLParseError(text, tokens[i]?.from ?? text.length, `unexpected ${describeToken(tokens[i])}`);
}

/** Distinct label sets (with `__name__`) of matching series with a sample in `bounds`, sorted. */
export function findSeries(source: SeriesSource, selectors: readonly VectorSelectorNode[], bounds: TimeBounds): Labels[] {
  const found = new Map<string, Labels>();
  const all: ReadonlyArray<Pick<VectorSelectorNode, "name" | "matchers">> = selectors.length > 0 ? selectors : [{ name: undefined, matchers: [] }];
  for (const sel of all) {
    for (const { labels, view } of selectSeries(source, sel)) {
      const i = lastIndexAtOrBefore(view, bounds.end);
      if (i < 0 || view.timeAt(i) < bounds.start) continue;
      found.set(labelsKey(labels), labels);
    }
  }
  // Label names in order, as Prometheus writes them.
  return [...found.values()].sort(compareLabels).map((l) => Object.fromEntries(Object.keys(l).sort().map((k) => [k, l[k]!])));
}

/** Sorted label names of those series. */
export function findLabelNames(source: SeriesSource, selectors: readonly VectorSelectorNode[], bounds: TimeBounds): string[] {
  const names = new Set<string>();
  for (const labels of findSeries(source, selectors, bounds)) for (const n of Object.keys(labels)) names.add(n);
  return [...names].sort();
}

/** Sorted values of label `name` across those series. */
export function findLabelValues(source: SeriesSource, name: string, selectors: readonly VectorSelectorNode[], bounds: TimeBounds): string[] {
  const values = new Set<string>();
  for (const labels of findSeries(source, selectors, bounds)) if (labels[name] !== undefined) values.add(labels[name]);
  return [...values].sort();
}
